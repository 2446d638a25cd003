// A filter box above each long select marked data-picker (core.pickers): typing "tu phap"
// keeps the options whose name holds it, diacritics and case ignored, and hides the groups
// left empty. The select itself stays the form's field, so the keyboard, the screen reader
// and a browser without this script all still work.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function attach(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 picker-filter";
    box.id = select.id + "-filter";
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("aria-label", select.dataset.pickerLabel);
    box.placeholder = select.dataset.pickerPlaceholder;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.id = select.id + "-filter-status";
    var options = Array.prototype.map.call(select.options, function (o) {
      return {option: o, text: fold(o.textContent)};
    });
    box.addEventListener("input", function () {
      var query = fold(box.value), shown = 0;
      options.forEach(function (o) {
        var keep = !o.option.value || !query || o.text.indexOf(query) !== -1;
        o.option.hidden = !keep;
        if (keep && o.option.value) { shown += 1; }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      status.textContent = select.dataset.pickerCount.replace("{n}", shown);
    });
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(status, select);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), attach);
  });
})();
