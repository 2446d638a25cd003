// A second click while the first is on its way does nothing (the server is idempotent anyway).
// A file of its own, not inline: the Content-Security-Policy runs scripts from this site only.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("submit-form");
  if (!form) { return; }
  form.addEventListener("submit", function (e) {
    var b = document.getElementById("submit-dossier");
    if (b.dataset.sent) { e.preventDefault(); return; }
    b.dataset.sent = "1"; b.setAttribute("aria-disabled", "true");
  });
});
