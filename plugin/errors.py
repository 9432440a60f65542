"""One error shape for the whole API: ``{"error": {"code", "message"}}`` with a 4xx."""

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from plugin.metadata import MetadataError

# How each metadata error code reads over HTTP.
_METADATA_STATUS = {"invalid_url": 400, "blocked_address": 403, "rate_limited": 429}


class ApiError(Exception):
    """A client error with a machine-readable code and a sentence for people."""

    def __init__(self, code: str, message: str, status: int = 400, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra

    @classmethod
    def from_metadata(cls, error: MetadataError) -> "ApiError":
        return cls(error.code, error.message, _METADATA_STATUS.get(error.code, 422))

    def to_response(self):
        body = {"error": {"code": self.code, "message": self.message}, **self.extra}
        return jsonify(body), self.status


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/oembed", "/webhooks/"))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, lambda error: error.to_response())
    app.register_error_handler(
        MetadataError, lambda error: ApiError.from_metadata(error).to_response()
    )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if not _wants_json():
            return error
        # Rate limits speak the same code as the fetcher's per-shop limit.
        code = (
            "rate_limited"
            if error.code == 429
            else (error.name or "error").lower().replace(" ", "_")
        )
        return ApiError(code, error.description or error.name, error.code or 500).to_response()
