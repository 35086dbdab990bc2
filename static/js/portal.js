// The little JavaScript the portal needs; all scoring happens on the server.
(function () {
  "use strict";

  // Confirmations without inline handlers (the Content-Security-Policy allows no inline
  // script): a form or its submit button with data-confirm="…" asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Saving a criterion through htmx moves the submission's version on; the workflow buttons send
  // the version the page now shows, so only someone else's change counts as a conflict.
  document.addEventListener("submit", function (event) {
    var form = event.target, current = document.getElementById("submission-version");
    if (current && form.classList && form.classList.contains("js-versioned")) {
      var field = form.querySelector("[name=expected_version]");
      if (field) field.value = current.value;
    }
  });

  function showGlobal(text) {
    var box = document.getElementById("htmx-error");
    // role="alert" only once there is something to say (an empty alert is announced as such).
    if (box) { box.setAttribute("role", "alert"); box.textContent = text; box.classList.remove("d-none"); }
  }

  // --- autosave of the answer forms (one <form data-autosave> per criterion) -----------------
  var DELAY = 700;
  var timers = new WeakMap();
  var sent = new WeakMap();      // the form's data as last sent
  var saved = new WeakMap();     // the form's data as last stored
  var unsaved = new Set();       // forms with typing not yet stored (pending or failed)

  function snapshot(form) {
    return new URLSearchParams(new FormData(form)).toString().replace(/(^|&)[^&]*-version=\d+/, "");
  }
  function stateBox(form) { return form.querySelector(".autosave-state"); }
  function setState(form, text, failed) {
    var box = stateBox(form);
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("text-danger", !!failed);
    if (failed) {
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "btn btn-sm btn-danger ms-2";
      retry.textContent = "Thử lưu lại";
      retry.addEventListener("click", function () { save(form); });
      box.appendChild(retry);
      box.setAttribute("role", "alert");
    } else {
      box.removeAttribute("role");
    }
  }
  function save(form) {
    clearTimeout(timers.get(form));
    if (snapshot(form) === saved.get(form)) { unsaved.delete(form); return; }
    unsaved.add(form);
    window.htmx.trigger(form, "autosave");
  }
  function schedule(form) {
    unsaved.add(form);
    setState(form, "Đang nhập… (sẽ tự lưu)");
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () { save(form); }, DELAY));
  }

  // Typing in one source of a ratio selects that source and sets the other one aside (kept in
  // data-kept, restored if the person switches back), so only what is used is ever sent.
  function chooseSource(form, input) {
    var source = input.getAttribute("data-source");
    var radio = form.querySelector('input[type=radio][name$="-source"][value="' + source + '"]');
    if (!radio || radio.checked) return;
    radio.checked = true;
    form.querySelectorAll("input[data-source]").forEach(function (other) {
      if (other.getAttribute("data-source") !== source && other.value) {
        other.setAttribute("data-kept", other.value);
        other.value = "";
      }
    });
  }
  function restoreSource(form, radio) {
    form.querySelectorAll('input[data-source="' + radio.value + '"][data-kept]').forEach(function (input) {
      if (!input.value) input.value = input.getAttribute("data-kept");
      input.removeAttribute("data-kept");
    });
    form.querySelectorAll("input[data-source]").forEach(function (input) {
      if (input.getAttribute("data-source") !== radio.value && input.value) {
        input.setAttribute("data-kept", input.value);
        input.value = "";
      }
    });
  }

  function formOf(target) { return target.closest && target.closest("form[data-autosave]"); }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      saved.set(form, snapshot(form));
    });
  });
  document.addEventListener("input", function (event) {
    var form = formOf(event.target);
    if (!form) return;
    if (event.target.hasAttribute("data-source")) chooseSource(form, event.target);
    if (event.target.type === "radio" || event.target.type === "checkbox" || event.target.tagName === "SELECT") return;
    schedule(form);
  });
  document.addEventListener("change", function (event) {
    var form = formOf(event.target);
    if (!form) return;
    if (event.target.type === "radio" && /-source$/.test(event.target.name)) restoreSource(form, event.target);
    save(form);
  });
  // Enter in a field saves that criterion (its own form) right away.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-autosave]")) {
      clearTimeout(timers.get(form));
      unsaved.add(form);
    }
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-autosave]")) return;
    sent.set(form, snapshot(form));
    setState(form, "Đang lưu…");
  });
  function failed(form, text) {
    unsaved.add(form);
    setState(form, text, true);
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-autosave]")) return;
    var xhr = event.detail.xhr;
    if (!event.detail.successful || !xhr) return;  // responseError / sendError below
    if (xhr.responseURL && xhr.responseURL.indexOf("/dang-nhap/") !== -1) {
      failed(form, "Phiên đăng nhập đã hết hạn: nội dung CHƯA được lưu. Hãy đăng nhập lại ở thẻ khác rồi bấm “Thử lưu lại”.");
      return;
    }
    if (!document.body.contains(form)) { unsaved.delete(form); return; }  // conflict: block redrawn
    saved.set(form, sent.get(form));
    if (snapshot(form) === sent.get(form)) {
      unsaved.delete(form);
      setState(form, "");
    } else {
      schedule(form);
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 409
      ? "Người khác vừa cập nhật nội dung này: nội dung CHƯA được lưu."
      : status === 401 || status === 403
      ? "Phiên đăng nhập đã hết hạn hoặc hồ sơ không còn sửa được: nội dung CHƯA được lưu. Hãy đăng nhập lại ở thẻ khác rồi bấm “Thử lưu lại”."
      : "Không lưu được (lỗi " + status + "): nội dung CHƯA được lưu.";
    var form = event.detail.elt;
    if (form.matches && form.matches("form[data-autosave]")) failed(form, text);
    else showGlobal(text);
  });
  function offline(event) {
    var form = event.detail.elt;
    var text = "Mất kết nối: nội dung CHƯA được lưu (vẫn còn trên trang). Kiểm tra mạng rồi bấm “Thử lưu lại”.";
    if (form.matches && form.matches("form[data-autosave]")) failed(form, text);
    else showGlobal(text);
  }
  document.addEventListener("htmx:sendError", offline);
  document.addEventListener("htmx:timeout", offline);
  document.addEventListener("htmx:configRequest", function () {
    if (window.htmx) window.htmx.config.timeout = 20000;
  });

  // Leaving the page while something typed is not stored asks first.
  window.addEventListener("beforeunload", function (event) {
    if (unsaved.size) {
      event.preventDefault();
      event.returnValue = "";
      return "";
    }
  });

  // After an answer, point each input at its message (or stop doing so).
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var box = event.detail.target;
    if (!box || !box.hasAttribute || !box.hasAttribute("data-error-for")) return;
    var name = box.getAttribute("data-error-for");
    document.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (box.textContent.trim()) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", box.id);
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    });
  });
})();
// Saving a criterion through htmx moves the submission's version on; the workflow buttons send
// the version the page now shows, so only someone else's change counts as a conflict.
document.addEventListener("submit", function (event) {
  var form = event.target, current = document.getElementById("submission-version");
  if (current && form.classList.contains("js-versioned")) {
    form.querySelector("[name=expected_version]").value = current.value;
  }
});
