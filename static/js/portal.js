// The little JavaScript the portal needs; all scoring happens on the server.
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  var text = status === 409
    ? "Người khác vừa cập nhật nội dung này. Vui lòng tải lại trang."
    : status === 401
    ? "Phiên đăng nhập đã hết hạn: thay đổi vừa rồi CHƯA được lưu. Vui lòng ghi lại nội dung vừa nhập, tải lại trang và đăng nhập lại."
    : status === 403
    ? "Hồ sơ đã nộp hoặc kỳ đánh giá đã đóng nên thay đổi vừa rồi không được lưu. Vui lòng tải lại trang."
    : "Không lưu được (lỗi " + status + "). Vui lòng thử lại hoặc tải lại trang.";
  var box = document.getElementById("htmx-error");
  if (box) { box.textContent = text; box.classList.remove("d-none"); }
});
document.addEventListener("htmx:sendError", function () {
  var box = document.getElementById("htmx-error");
  if (box) { box.textContent = "Mất kết nối: nội dung chưa được lưu. Vui lòng kiểm tra mạng rồi thử lại."; box.classList.remove("d-none"); }
});
// Forms that need a second thought carry data-confirm="question" (no inline handlers: strict CSP).
document.addEventListener("submit", function (event) {
  var form = event.target.closest ? event.target.closest("form[data-confirm]") : null;
  if (form && !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
}, true);
