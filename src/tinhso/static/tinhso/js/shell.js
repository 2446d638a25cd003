// What every page shares. A file of its own, not inline: the Content-Security-Policy runs
// scripts from this site only.
(function () {
  "use strict";
  function focusable(target) {
    if (target.matches("input, select, textarea, button, a[href], [tabindex]")) {
      return target;
    }
    return target.querySelector("[aria-invalid=true], input:not([type=hidden]), select, textarea");
  }
  document.addEventListener("DOMContentLoaded", function () {
    // After a refused submit, the error summary is where the reader starts: focused (a screen
    // reader reads it), each refused field one link away.
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
    document.addEventListener("click", function (e) {
      var link = e.target.closest(".error-summary a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      var field = target && focusable(target);
      if (!field) { return; }
      e.preventDefault();
      (target.closest("fieldset, .mb-3") || target).scrollIntoView({block: "start"});
      field.focus({preventScroll: true});
    });
  });
})();
