// Warn when Caps Lock is on while typing a password, where the browser can tell.
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[data-capslock]");
  fields.forEach(function (field) {
    var warning = document.getElementById("capslock-warning");
    if (!warning) {
      return;
    }
    function check(event) {
      if (typeof event.getModifierState === "function") {
        warning.hidden = !event.getModifierState("CapsLock");
      }
    }
    field.addEventListener("keydown", check);
    field.addEventListener("keyup", check);
    field.addEventListener("blur", function () {
      warning.hidden = true;
    });
  });
})();
