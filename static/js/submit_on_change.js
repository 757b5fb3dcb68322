/* A filter form marked data-submit-on-change sends itself when a choice changes, so staff
   need not press "Show" (which stays for browsers without JavaScript). Kept out of the page
   because the Content-Security-Policy allows no inline handlers. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-on-change]").forEach(function (form) {
    form.addEventListener("change", function () { form.submit(); });
  });
})();
