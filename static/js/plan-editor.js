/* The plan editor, faster with JavaScript (the page works without it as a plain form):
   - the weights' sums, per area and for the plan, follow every keystroke;
   - add / move / remove buttons post the form in the background and swap in the re-rendered
     table (the server applies the change, as it does without JavaScript), keeping the scroll. */
(function () {
  "use strict";
  var BENGALI = "০১২৩৪৫৬৭৮৯";

  function toLatin(text) {
    return text.replace(/[০-৯]/g, function (d) { return String(BENGALI.indexOf(d)); });
  }

  function toBengali(text) {
    return String(text).replace(/[0-9]/g, function (d) { return BENGALI[Number(d)]; });
  }

  function number(text) {
    var value = parseFloat(toLatin((text || "").trim()));
    return isNaN(value) ? 0 : value;
  }

  function shown(value) {
    var rounded = Math.round(value * 100) / 100;
    return toBengali(String(rounded));
  }

  function recompute(form) {
    var areaTotal = 0;
    form.querySelectorAll("[data-area-weight]").forEach(function (input) {
      var key = input.dataset.areaWeight;
      var weight = number(input.value);
      var sum = 0;
      form.querySelectorAll('[data-weight-of="' + key + '"]').forEach(function (w) { sum += number(w.value); });
      var output = form.querySelector('[data-sum-area="' + key + '"]');
      if (output) {
        output.textContent = shown(sum);
        output.parentElement.classList.toggle("text-danger", Math.abs(sum - weight) > 0.001);
      }
      areaTotal += weight;
    });
    var plan = form.querySelector("[data-sum-plan]");
    if (plan) {
      plan.textContent = shown(areaTotal);
      var bad = Math.abs(areaTotal - parseFloat(plan.dataset.total)) > 0.001;
      plan.classList.toggle("text-danger", bad);
      plan.classList.toggle("fw-bold", bad);
    }
  }

  function structural(button) {
    return button.name === "op" && button.value !== "save";
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest("#plan-editor");
    if (form && event.target.matches("[data-area-weight], [data-weight-of]")) {
      recompute(form);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("#plan-editor button[type=submit]");
    if (!button || !structural(button) || !window.fetch || !window.DOMParser) {
      return;
    }
    event.preventDefault();
    var form = button.form;
    var data = new FormData(form);
    data.append("op", button.value);
    form.classList.add("is-busy");
    fetch(form.action || window.location.href, {
      method: "POST", body: data, credentials: "same-origin", headers: {"X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("plan-editor");
      if (!fresh) {
        form.submit();
        return;
      }
      var x = window.scrollX, y = window.scrollY;
      form.innerHTML = fresh.innerHTML;
      window.scrollTo(x, y);
      form.classList.remove("is-busy");
      recompute(form);
      var added = form.querySelectorAll("[data-row]");
      document.dispatchEvent(new CustomEvent("plan-editor:updated", {detail: {rows: added.length}}));
    }).catch(function () {
      form.classList.remove("is-busy");
      form.requestSubmit(button);
    });
  });
})();
