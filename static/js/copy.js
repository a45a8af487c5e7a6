// Copy buttons: <button data-copy="text" hidden>. Shown only when the clipboard is there;
// without this script the text beside them stays visible and selectable.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    const label = button.textContent;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = "✓ " + label;
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });
})();
