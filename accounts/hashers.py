from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2(Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended set-up: 19 MiB, two passes, one lane.

    Django's default (100 MiB, eight lanes) took a median 214 ms a hash on a 2-core
    server, so 50 board members signing in at once waited a median 7 s; this takes 33 ms
    (bench/load.py). A hash made with other parameters is remade at the next sign-in."""

    time_cost = 2
    memory_cost = 19456
    parallelism = 1
