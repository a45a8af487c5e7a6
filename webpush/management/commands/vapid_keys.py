"""``manage.py vapid_keys``: print a new VAPID keypair for the environment (VAPID_*)."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand

from webpush.vapid import b64url_encode


class Command(BaseCommand):
    help = "Print a new VAPID keypair (base64url) to put in VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY."

    def handle(self, *args, **options) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        private = key.private_numbers().private_value.to_bytes(32, "big")
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.stdout.write(f"VAPID_PRIVATE_KEY={b64url_encode(private)}")
        self.stdout.write(f"VAPID_PUBLIC_KEY={b64url_encode(public)}")
        self.stdout.write("VAPID_SUBJECT=mailto:<운영자 이메일>")
