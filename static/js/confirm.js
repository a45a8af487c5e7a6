// Destructive forms ask first: <form data-confirm="질문" data-confirm-label="버튼">.
// The dialog's yes re-submits the form with confirmed=1; without this script the server
// shows a confirmation page instead (common/confirm.py), so nothing runs unasked.
(function () {
  "use strict";

  function dialog() {
    let box = document.getElementById("confirm-dialog");
    if (box) return box;
    box = document.createElement("dialog");
    box.id = "confirm-dialog";
    box.className = "confirm-dialog";
    box.setAttribute("data-testid", "confirm-dialog");
    box.innerHTML =
      '<form method="dialog">' +
      '<p class="confirm-dialog__question"></p>' +
      '<p class="confirm-dialog__detail muted"></p>' +
      '<div class="confirm-dialog__actions">' +
      '<button value="no" class="btn btn--ghost" data-testid="confirm-dialog-no"></button>' +
      '<button value="yes" class="btn btn--danger" data-testid="confirm-dialog-yes"></button>' +
      "</div></form>";
    document.body.appendChild(box);
    return box;
  }

  function ask(form) {
    const box = dialog();
    box.querySelector(".confirm-dialog__question").textContent = form.dataset.confirm;
    box.querySelector(".confirm-dialog__detail").textContent = form.dataset.confirmDetail || "";
    box.querySelector("[value=no]").textContent = form.dataset.confirmCancel || "아니요";
    box.querySelector("[value=yes]").textContent = form.dataset.confirmLabel || "네";
    return new Promise(function (resolve) {
      box.addEventListener("close", function () { resolve(box.returnValue === "yes"); }, { once: true });
      box.returnValue = "";
      box.showModal();
    });
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (form.querySelector("input[name=confirmed]")) return; // asked already
    event.preventDefault();
    const submitter = event.submitter;
    ask(form).then(function (yes) {
      if (!yes) return;
      const confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "1";
      form.appendChild(confirmed);
      if (submitter && submitter.form === form) form.requestSubmit(submitter);
      else form.requestSubmit();
    });
  });
})();
