// The provider console's upload form: sends the file with XMLHttpRequest so a <progress> element can show how
// much has gone, then shows the page the server answered (the published revision, or the lines to fix) in
// place. Without this script the same form posts normally and gets the same answer.
(function () {
  "use strict";

  function bind() {
    var form = document.getElementById("upload-form");
    var progress = document.getElementById("upload-progress");
    if (!form || !progress || !window.FormData || !window.XMLHttpRequest || form.dataset.bound) {
      return;
    }
    form.dataset.bound = "1";
    form.addEventListener("submit", function (event) {
      if (!form.checkValidity()) {
        return;
      }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.responseType = "document";
      progress.hidden = false;
      progress.value = 0;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          progress.value = Math.round((e.loaded / e.total) * 100);
        }
      });
      xhr.addEventListener("load", function () {
        var answer = xhr.response;
        var main = answer && answer.querySelector("main");
        if (!main) {
          form.submit(); // not a page we can show in place: let the browser post it plainly
          return;
        }
        if (xhr.responseURL && xhr.responseURL !== window.location.href) {
          window.history.replaceState(null, "", xhr.responseURL);
        }
        document.title = answer.title;
        document.querySelector("main").replaceWith(document.adoptNode(main));
        var news = document.getElementById("upload-errors") || document.getElementById("revision-status");
        if (news) {
          news.setAttribute("tabindex", "-1");
          news.focus();
        }
        bind();
      });
      xhr.addEventListener("error", function () {
        form.submit();
      });
      xhr.send(new FormData(form));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
