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

// Confirmations without inline handlers (the Content-Security-Policy allows no inline script):
// a form or a submit button with data-confirm="…" asks before it is sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var text = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (text && !window.confirm(text)) { event.preventDefault(); event.stopImmediatePropagation(); }
}, true);

// Saving a criterion through htmx moves the submission's version on; the workflow buttons send
// the version the page now shows, so only someone else's change counts as a conflict.
document.addEventListener("submit", function (event) {
  var form = event.target, current = document.getElementById("submission-version");
  if (current && form.classList.contains("js-versioned")) {
    form.querySelector("[name=expected_version]").value = current.value;
  }
});
