// The booking page works without this script; with it, the price beside the book button is
// only the chosen person's (all are shown otherwise).
(function () {
  var form = document.querySelector(".booking-form");
  if (!form) return;
  var splits = form.querySelectorAll(".split[data-recipient]");
  if (splits.length < 2) return;
  function show() {
    var chosen = form.querySelector("input[name=care_recipient]:checked");
    splits.forEach(function (split) {
      split.hidden = Boolean(chosen) && split.dataset.recipient !== chosen.value;
    });
  }
  form.addEventListener("change", show);
  show();
})();
