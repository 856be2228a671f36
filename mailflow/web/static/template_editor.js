// Live preview: as the source changes, post it to the preview endpoint into the three
// sandboxed iframes (desktop, phone, plain text). No framework: three small forms.
(function () {
  "use strict";
  var source = document.getElementById("tpl-form");
  if (!source) { return; }
  var targets = [
    { form: null, target: "preview-desktop" },
    { form: document.getElementById("pv-phone-form") },
    { form: document.getElementById("pv-text-form") }
  ];
  var timer = null;
  function copyInto(form) {
    Array.prototype.forEach.call(form.querySelectorAll("input.copied"), function (el) { el.remove(); });
    ["csrf", "subject", "body_mjml", "body_text", "lang"].forEach(function (name) {
      var field = source.elements[name];
      if (!field) { return; }
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = field.value; input.className = "copied";
      form.appendChild(input);
    });
  }
  function refresh() {
    targets.forEach(function (t) {
      var form = t.form;
      if (!form) {  // desktop: a clone of the phone form aimed at the desktop frame
        form = t.form = document.getElementById("pv-phone-form").cloneNode(false);
        form.removeAttribute("id"); form.target = t.target; document.body.appendChild(form);
      }
      copyInto(form);
      form.submit();
    });
  }
  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  });
  source.elements.lang.addEventListener("change", refresh);
})();
