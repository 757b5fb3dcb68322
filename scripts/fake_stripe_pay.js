/* Linli's additions to localstripe's Stripe.js stand-in (served together at /js.stripe.com/v3/
   by scripts/fake_stripe.py): the Payment Element and stripe.confirmPayment, played against
   the fake server as Stripe.js plays them against Stripe. The element is a plain div with a
   card form (and Alipay / WeChat Pay tabs when the PaymentIntent allows them); only Stripe's
   test cards mean anything here. See scripts/fake_stripe_pay.py. */
(function () {
  "use strict";
  var BASE = LOCALSTRIPE_BASE_API;
  var localStripe = Stripe;
  var WORDS = {
    en: {
      card: "Card", alipay: "Alipay", wechat_pay: "WeChat Pay",
      number: "Card number", expiry: "Expiration date (MM / YY)", cvc: "Security code",
      away: "You will be sent on to authorise the payment.",
      incomplete_number: "Your card number is incomplete.",
      incomplete_expiry: "Your card's expiration date is incomplete.",
      incomplete_cvc: "Your card's security code is incomplete.",
    },
    zh: {
      card: "银行卡", alipay: "支付宝", wechat_pay: "微信支付",
      number: "卡号", expiry: "有效期（月 / 年）", cvc: "安全码",
      away: "接下来将转到付款授权页面。",
      incomplete_number: "您的卡号不完整。",
      incomplete_expiry: "您的银行卡有效期不完整。",
      incomplete_cvc: "您的银行卡安全码不完整。",
    },
  };

  function wordsFor(locale) {
    var lang = (locale && locale !== "auto" ? locale : navigator.language || "en").slice(0, 2);
    return WORDS[lang] || WORDS.en;
  }

  function intentId(clientSecret) {
    return clientSecret.match(/^((?:pi|seti)_\w+)_secret_/)[1];
  }

  /* A PaymentIntent's or a SetupIntent's (saving a card) address on the fake. */
  function intentPath(clientSecret) {
    var id = intentId(clientSecret);
    return (id.indexOf("seti_") === 0 ? "/_config/js/setup_intents/" : "/_config/js/payment_intents/") + id;
  }

  function PaymentElement(group) {
    this.group = group;
    this.listeners = {};
    this.kind = "card";
    this.inputs = {};
  }

  PaymentElement.prototype.on = function (event, handler) {
    (this.listeners[event] = this.listeners[event] || []).push(handler);
    return this;
  };

  PaymentElement.prototype.emit = function (event, detail) {
    (this.listeners[event] || []).forEach(function (handler) { handler(detail || {}); });
  };

  PaymentElement.prototype.mount = function (target) {
    var node = typeof target === "string" ? document.querySelector(target) : target;
    var element = this;
    var words = wordsFor(this.group.locale);
    var secret = this.group.clientSecret;
    var url = BASE + intentPath(secret) + "?client_secret=" + encodeURIComponent(secret);
    fetch(url).then(function (response) { return response.json(); }).then(function (intent) {
      var frame = document.createElement("div");
      frame.className = "fake-stripe-payment-element";
      frame.style.cssText = "border:1px solid #bbb;border-radius:6px;padding:.75em;background:#fff";
      var types = intent.payment_method_types || ["card"];
      if (types.length > 1) {
        var tabs = document.createElement("div");
        tabs.setAttribute("role", "radiogroup");
        types.forEach(function (kind) {
          var label = document.createElement("label");
          label.style.marginRight = "1em";
          var radio = document.createElement("input");
          radio.type = "radio";
          radio.name = "fake-stripe-method";
          radio.value = kind;
          radio.checked = kind === "card";
          radio.addEventListener("change", function () { element.choose(kind); });
          label.appendChild(radio);
          label.appendChild(document.createTextNode(" " + words[kind]));
          tabs.appendChild(label);
        });
        frame.appendChild(tabs);
      }
      var card = document.createElement("div");
      [["number", "4242 4242 4242 4242", 19], ["expiry", "MM / YY", 7], ["cvc", "CVC", 4]]
        .forEach(function (field) {
          var label = document.createElement("label");
          label.style.display = "block";
          label.textContent = words[field[0]];
          var input = document.createElement("input");
          input.type = "text";
          input.name = field[0];
          input.placeholder = field[1];
          input.maxLength = field[2] + 4;
          input.autocomplete = "off";
          input.style.display = "block";
          input.addEventListener("input", function () { element.emit("change", { complete: false }); });
          label.appendChild(input);
          card.appendChild(label);
          element.inputs[field[0]] = input;
        });
      var away = document.createElement("p");
      away.textContent = words.away;
      away.hidden = true;
      frame.appendChild(card);
      frame.appendChild(away);
      element.cardPart = card;
      element.awayPart = away;
      node.appendChild(frame);
      element.emit("ready");
    });
  };

  PaymentElement.prototype.choose = function (kind) {
    this.kind = kind;
    this.cardPart.hidden = kind !== "card";
    this.awayPart.hidden = kind === "card";
  };

  /* What the payer typed, checked for completeness as the Payment Element does. */
  PaymentElement.prototype.card = function () {
    var words = wordsFor(this.group.locale);
    var number = this.inputs.number.value.replace(/\s+/g, "");
    var expiry = this.inputs.expiry.value.replace(/\s+/g, "").split("/");
    var cvc = this.inputs.cvc.value.trim();
    function incomplete(code) {
      return { error: { type: "validation_error", code: code, message: words[code] } };
    }
    if (number.length < 16) return incomplete("incomplete_number");
    if (expiry.length !== 2 || !expiry[0] || !expiry[1]) return incomplete("incomplete_expiry");
    if (cvc.length < 3) return incomplete("incomplete_cvc");
    return { value: { number: number, exp_month: expiry[0], exp_year: expiry[1], cvc: cvc } };
  };

  function withQuery(url, params) {
    var target = new URL(url, window.location.href);
    Object.keys(params).forEach(function (key) { target.searchParams.set(key, params[key]); });
    return target.toString();
  }

  async function confirmPayment(key, options) {
    var group = options && options.elements;
    var element = group && group.paymentElement;
    var returnUrl = options && options.confirmParams && options.confirmParams.return_url;
    if (!element || !returnUrl) {
      return { error: { type: "invalid_request_error", code: "parameter_missing",
        message: "confirmPayment needs elements and confirmParams.return_url." } };
    }
    var data = { type: element.kind };
    if (element.kind === "card") {
      var card = element.card();
      if (card.error) return card;
      data.card = card.value;
    }
    var secret = group.clientSecret;
    var answer;
    try {
      var response = await fetch(BASE + "/_config/js/payment_intents/" + intentId(secret) + "/confirm", {
        method: "POST",
        body: JSON.stringify({ key: key, client_secret: secret, return_url: returnUrl,
          payment_method_data: data }),
      });
      answer = await response.json();
    } catch (err) {
      return { error: { type: "api_connection_error", message: "Could not reach Stripe." } };
    }
    if (answer.error) return { error: answer.error };
    if (answer.next_action && answer.next_action.type === "redirect_to_url") {
      window.location.assign(answer.next_action.redirect_to_url.url);
      return new Promise(function () {});  // the page is left
    }
    if (options.redirect === "if_required" && answer.status === "succeeded") {
      return { paymentIntent: answer };
    }
    window.location.assign(withQuery(returnUrl, {
      payment_intent: answer.id,
      payment_intent_client_secret: secret,
      redirect_status: answer.status === "succeeded" ? "succeeded" : answer.status,
    }));
    return new Promise(function () {});
  }

  /* stripe.confirmSetup: the card typed into the Payment Element is saved for later on the
     SetupIntent; the browser then goes to the return address with Stripe's query. */
  async function confirmSetup(key, options) {
    var group = options && options.elements;
    var element = group && group.paymentElement;
    var returnUrl = options && options.confirmParams && options.confirmParams.return_url;
    if (!element || !returnUrl) {
      return { error: { type: "invalid_request_error", code: "parameter_missing",
        message: "confirmSetup needs elements and confirmParams.return_url." } };
    }
    var card = element.card();
    if (card.error) return card;
    var secret = group.clientSecret;
    var answer;
    try {
      var response = await fetch(BASE + intentPath(secret) + "/confirm", {
        method: "POST",
        body: JSON.stringify({ key: key, client_secret: secret, return_url: returnUrl,
          payment_method_data: { type: "card", card: card.value } }),
      });
      answer = await response.json();
    } catch (err) {
      return { error: { type: "api_connection_error", message: "Could not reach Stripe." } };
    }
    if (answer.error) return { error: answer.error };
    if (answer.next_action && answer.next_action.type === "redirect_to_url") {
      window.location.assign(answer.next_action.redirect_to_url.url);
      return new Promise(function () {});
    }
    window.location.assign(withQuery(returnUrl, {
      setup_intent: answer.id,
      setup_intent_client_secret: secret,
      redirect_status: answer.status === "succeeded" ? "succeeded" : answer.status,
    }));
    return new Promise(function () {});
  }

  Stripe = function (key, stripeOptions) {
    var stripe = localStripe(key);
    var cardElements = stripe.elements;
    var locale = (stripeOptions && stripeOptions.locale) || "auto";
    stripe.elements = function (options) {
      if (!options || !options.clientSecret) return cardElements();
      var group = {
        clientSecret: options.clientSecret,
        locale: options.locale || locale,
        paymentElement: null,
        create: function (type) {
          if (type !== "payment") throw new Error("The stand-in has only the payment element.");
          group.paymentElement = new PaymentElement(group);
          return group.paymentElement;
        },
        getElement: function () { return group.paymentElement; },
      };
      return group;
    };
    stripe.confirmPayment = function (options) { return confirmPayment(key, options); };
    stripe.confirmSetup = function (options) { return confirmSetup(key, options); };
    return stripe;
  };
})();
