/* Saves a card for later with Stripe.js's Payment Element: Stripe.js confirms the SetupIntent
   with Stripe (the card never reaches our server), runs 3-D Secure when the bank asks, and
   sends the browser to the return address, where the server asks Stripe how it stands. A
   refused card stays on this page with our words for why, in the page's language. */
(function () {
  "use strict";
  var form = document.getElementById("setup-form");
  if (!form || typeof Stripe === "undefined") return;
  var refusals = JSON.parse(document.getElementById("payment-refusals").textContent);
  var stripe = Stripe(form.dataset.publishableKey, { locale: form.dataset.locale });
  var elements = stripe.elements({
    clientSecret: form.dataset.clientSecret,
    locale: form.dataset.locale,
  });
  elements.create("payment").mount("#payment-element");
  var errorBox = document.getElementById("payment-error");
  var button = document.getElementById("pay-button");

  function fail(error) {
    errorBox.textContent = (error && (refusals[error.decline_code] || refusals[error.code] ||
      refusals[error.type])) || refusals["default"];
    errorBox.hidden = false;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errorBox.hidden = true;
    stripe.confirmSetup({
      elements: elements,
      confirmParams: { return_url: form.dataset.returnUrl },
    }).then(function (result) {
      if (result && result.error) fail(result.error);
    }).catch(function () {
      fail({ code: "api_connection_error" });
    });
  });
})();
