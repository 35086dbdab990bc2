// The little JavaScript the portal needs; all scoring happens on the server.
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  var text = status === 409
    ? "Người khác vừa cập nhật nội dung này. Vui lòng tải lại trang."
    : "Không lưu được (lỗi " + status + "). Vui lòng thử lại hoặc tải lại trang.";
  var box = document.getElementById("htmx-error");
  if (box) { box.textContent = text; box.classList.remove("d-none"); }
});
document.addEventListener("htmx:sendError", function () {
  var box = document.getElementById("htmx-error");
  if (box) { box.textContent = "Mất kết nối: nội dung chưa được lưu. Vui lòng kiểm tra mạng rồi thử lại."; box.classList.remove("d-none"); }
});
