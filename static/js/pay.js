/* Pays the resident's share with Stripe.js's Payment Element (card, and Alipay or WeChat Pay
   where they are switched on): Stripe.js confirms the order's PaymentIntent with Stripe
   (card numbers never reach our server), runs 3-D Secure or the wallet's page when needed, and
   sends the browser to the return address, where the server asks Stripe how it stands. A
   refused attempt stays on this page: the payer reads why, in the page's language (our words,
   never Stripe's English), and tries another card or method on the same PaymentIntent. */
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
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

  function explain(error) {
    return refusals[error.decline_code] || refusals[error.code] || refusals[error.type] ||
      refusals["default"];
  }

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errorBox.hidden = true;
    stripe.confirmPayment({
      elements: elements,
      confirmParams: { return_url: form.dataset.returnUrl },
    }).then(function (result) {
      // Reached only when the payment was refused: otherwise Stripe.js has left the page.
      if (result && result.error) fail(explain(result.error));
    }).catch(function () {
      fail(refusals.api_connection_error);
    });
  });
})();
