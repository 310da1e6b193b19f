"""Who is asking: the bearer token, looked up by its digest (accounts.tokens), stands for
its person with their roles as they are now. Each use is logged by the token's name,
never its value; a token used too often in a minute is told when to come back."""

import logging

from django.http import HttpRequest, JsonResponse
from ninja.security import HttpBearer

from accounts.tokens import token_use

logger = logging.getLogger("quarterdeck.api")


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        use = token_use(token)
        if use.token is None:
            return None
        logger.info("api use", extra={"fields": {"token": use.token.name, "id": use.token.pk}})
        if use.limited:
            raise RateLimited(use.retry_after)
        request.user = use.token.user
        request.api_token = use.token
        return use.token


def rate_limited(request: HttpRequest, error: RateLimited) -> JsonResponse:
    response = JsonResponse(
        {"detail": "Too many requests with this token: try again in a minute."}, status=429
    )
    response["Retry-After"] = str(error.retry_after)
    return response
