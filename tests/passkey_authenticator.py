"""A software authenticator for tests: answers WebAuthn options as a phone would.

It makes an EC P-256 key pair, answers `navigator.credentials.create()` options with a
"none" attestation and `get()` options with a signed assertion (authenticatorData with
the RP ID hash, the flags and the signature counter; clientDataJSON with the challenge
and the origin). Every part can be set wrong on purpose.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftAuthenticator:
    def __init__(self, rp_id: str, origin: str):
        self.rp_id = rp_id
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0
        self.user_handle = ""

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _authenticator_data(self, flags: int, rp_id: str, attested: bool) -> bytes:
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
        data += self.counter.to_bytes(4, "big")
        if attested:
            data += bytes(16) + len(self.credential_id).to_bytes(2, "big")
            data += self.credential_id + self._cose_key()
        return data

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {
                "type": kind,
                "challenge": challenge,
                "origin": origin or self.origin,
                "crossOrigin": False,
            }
        ).encode()

    def create(self, options: str | dict, *, origin=None, verified=True, rp_id=None) -> str:
        """The answer to registration options, as the browser's JSON."""
        options = json.loads(options) if isinstance(options, str) else options
        self.user_handle = options["user"]["id"]
        flags = UP | AT | (UV if verified else 0)
        auth_data = self._authenticator_data(flags, rp_id or self.rp_id, attested=True)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return json.dumps(
            {
                "id": b64(self.credential_id),
                "rawId": b64(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64(client_data),
                    "attestationObject": b64(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(
        self, options: str | dict, *, origin=None, verified=True, rp_id=None, counter_step=1
    ) -> str:
        """A signed assertion for authentication options, as the browser's JSON."""
        options = json.loads(options) if isinstance(options, str) else options
        self.counter += counter_step
        auth_data = self._authenticator_data(
            UP | (UV if verified else 0), rp_id or self.rp_id, attested=False
        )
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": b64(self.credential_id),
                "rawId": b64(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": b64(client_data),
                    "authenticatorData": b64(auth_data),
                    "signature": b64(signature),
                    "userHandle": self.user_handle,
                },
                "clientExtensionResults": {},
            }
        )
