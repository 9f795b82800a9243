// Passkeys (WebAuthn) as an addition to the ordinary forms. Without this file, or in a
// browser without passkeys, the passkey parts stay hidden and the password form is the
// way in. The server makes the challenge (a POST that answers JSON); the browser's
// answer goes back in an ordinary form post.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) {
    return;
  }

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) {
      raw += String.fromCharCode(bytes[i]);
    }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
      if (typeof response.getTransports === "function") {
        out.response.transports = response.getTransports();
      }
    } else {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      if (response.userHandle) {
        out.response.userHandle = toText(response.userHandle);
      }
    }
    return JSON.stringify(out);
  }

  function fetchOptions(form) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    return fetch(form.getAttribute("data-options-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    }).then(function (answer) {
      if (!answer.ok) {
        throw new Error("options " + answer.status);
      }
      return answer.json();
    });
  }

  function showError(element, text) {
    if (element) {
      element.textContent = text;
      element.hidden = false;
    }
  }

  function cancelled(error) {
    return error && (error.name === "AbortError" || error.name === "NotAllowedError");
  }

  // -- Logging in -------------------------------------------------------------------------

  var loginForm = document.getElementById("passkey-login-form");
  if (loginForm) {
    var loginButton = document.getElementById("passkey-login-button");
    var loginError = document.getElementById("passkey-login-error");
    var waiting = null;

    var sendAssertion = function (credential) {
      loginForm.querySelector("input[name=credential]").value = credentialJSON(credential);
      loginForm.submit();
    };

    loginForm.hidden = false;
    loginButton.addEventListener("click", function () {
      if (waiting) {
        waiting.abort();
        waiting = null;
      }
      loginButton.disabled = true;
      if (loginError) {
        loginError.hidden = true;
      }
      fetchOptions(loginForm)
        .then(function (json) {
          return navigator.credentials.get({ publicKey: requestOptions(json) });
        })
        .then(sendAssertion)
        .catch(function (error) {
          loginButton.disabled = false;
          showError(
            loginError,
            loginForm.getAttribute(cancelled(error) ? "data-cancelled" : "data-failed")
          );
        });
    });

    // Conditional UI: the browser offers the passkey in the username field's autofill.
    var username = document.getElementById(loginForm.getAttribute("data-username-field"));
    if (username && typeof PublicKeyCredential.isConditionalMediationAvailable === "function") {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available || !window.AbortController) {
          return;
        }
        username.setAttribute("autocomplete", "username webauthn");
        waiting = new AbortController();
        var signal = waiting.signal;
        fetchOptions(loginForm)
          .then(function (json) {
            return navigator.credentials.get({
              publicKey: requestOptions(json),
              mediation: "conditional",
              signal: signal,
            });
          })
          .then(function (credential) {
            if (credential) {
              sendAssertion(credential);
            }
          })
          .catch(function () {
            // Aborted for the button, or no passkey chosen: the forms stay as they are.
          });
      });
    }
  }

  // -- Adding a passkey ---------------------------------------------------------------------

  var addForm = document.getElementById("passkey-add-form");
  if (addForm) {
    var unsupported = document.getElementById("passkey-unsupported");
    var addError = document.getElementById("passkey-add-error");
    var credentialField = addForm.querySelector("input[name=credential]");
    var nameField = addForm.querySelector("input[name=name]");
    addForm.hidden = false;
    if (unsupported) {
      unsupported.hidden = true;
    }
    addForm.addEventListener("submit", function (event) {
      if (credentialField.value || !nameField.value.trim()) {
        return; // The answer is in, or the server explains what is missing.
      }
      event.preventDefault();
      var button = addForm.querySelector("button[type=submit]");
      button.disabled = true;
      fetchOptions(addForm)
        .then(function (json) {
          return navigator.credentials.create({ publicKey: creationOptions(json) });
        })
        .then(function (credential) {
          credentialField.value = credentialJSON(credential);
          addForm.submit();
        })
        .catch(function (error) {
          button.disabled = false;
          showError(
            addError,
            addForm.getAttribute(cancelled(error) ? "data-cancelled" : "data-failed")
          );
        });
    });
  }
})();
