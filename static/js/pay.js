/* Pays the resident's share by card. Stripe.js turns the card into a token in the
   browser (card numbers never reach our server); the server charges it, and 3-D Secure,
   when the bank asks for it, is completed here. */
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errorBox = document.getElementById("payment-error");
  var button = document.getElementById("pay-button");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errorBox.hidden = true;
    stripe.createToken(card).then(function (result) {
      if (result.error || !result.token) {
        fail((result.error && result.error.message) || form.dataset.cardError || "Card error");
        return null;
      }
      var body = new URLSearchParams({ token: result.token.id });
      return fetch(form.dataset.tokenUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
        body: body,
      }).then(function (response) {
        return response.json();
      });
    }).then(function (answer) {
      if (!answer) return;
      if (answer.error) {
        fail(answer.error);
      } else if (answer.status === "requires_action") {
        stripe.confirmCardPayment(answer.client_secret).then(function () {
          window.location.href = answer.next;
        });
      } else {
        window.location.href = answer.next;
      }
    }).catch(function () {
      fail(form.dataset.networkError || "Network error");
    });
  });
})();
