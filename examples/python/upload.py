"""Upload a watch history to reelstream, poll the session until it is
completed, and print the enriched library, all through the client that
openapi-python-client generates from the repository's openapi.yaml:

    pip install -r requirements.txt
    openapi-python-client generate --path ../../openapi.yaml --meta none \
        --output-path reelstream_client --overwrite
    python upload.py FILE [--base-url URL] [--delete]

The upload answers with the session and its owner token; reads need only the
session's id, while a change (here `--delete`) sends the token through the
generated `AuthenticatedClient` as `Authorization: Bearer <owner_token>`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from reelstream_client import AuthenticatedClient, Client
from reelstream_client.api.movies import list_movies
from reelstream_client.api.sessions import delete_session, get_session, upload_file
from reelstream_client.models import (
    Movie,
    MovieStatus,
    OwnedSession,
    Problem,
    Session,
    SessionStatus,
    UploadFileBody,
)
from reelstream_client.types import File, Unset


class ApiProblem(Exception):
    """A problem+json answer, or one the document does not describe."""

    def __init__(self, operation: str, answer: Problem | None) -> None:
        if answer is None:
            super().__init__(f"{operation}: an answer the API document does not describe")
        else:
            rows = "".join(
                f"\n  row {e.row if isinstance(e.row, int) else '?'}: {e.message}"
                for e in (answer.errors if not isinstance(answer.errors, Unset) else [])
            )
            super().__init__(f"{operation}: {answer.status} {answer.title}: {answer.detail}{rows}")


def upload(client: Client, path: Path) -> OwnedSession:
    with path.open("rb") as payload:
        body = UploadFileBody(file=File(payload=payload, file_name=path.name))
        answer = upload_file.sync(client=client, body=body)
    if not isinstance(answer, OwnedSession):
        raise ApiProblem("uploadFile", answer)
    return answer


def delete(base_url: str, session_id: str, owner_token: str) -> None:
    """`DELETE /api/session/{id}`: a change, so it carries the owner token."""
    with AuthenticatedClient(base_url=base_url, token=owner_token, timeout=30.0) as owner:
        answer = delete_session.sync_detailed(session_id, client=owner)
    if answer.status_code != 204:
        parsed = answer.parsed if isinstance(answer.parsed, Problem) else None
        raise ApiProblem("deleteSession", parsed)


def wait_completed(client: Client, session: Session | OwnedSession, interval: float = 0.25) -> Session | OwnedSession:
    """Polls `GET /api/session/{id}`: always correct on its own."""
    while session.status is not SessionStatus.COMPLETED:
        time.sleep(interval)
        answer = get_session.sync(session.id, client=client)
        if not isinstance(answer, Session):
            raise ApiProblem("getSession", answer)
        session = answer
        print(f"… {session.processed_count}/{session.total_movies} films final", flush=True)
    return session


def library(client: Client, session_id: str, limit: int = 100) -> Iterator[Movie]:
    """Every movie of a session, page by page (`GET /api/session/{id}/movies`)."""
    offset = 0
    while True:
        page = list_movies.sync(session_id, client=client, offset=offset, limit=limit)
        if isinstance(page, Problem) or page is None:
            raise ApiProblem("listMovies", page)
        yield from page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def value(field: object, default: str = "?") -> str:
    """An optional field's text: absent (`UNSET`) and `null` read the same."""
    return default if field is None or isinstance(field, Unset) else str(field)


def describe(movie: Movie) -> str:
    year = value(movie.year)
    if movie.status is MovieStatus.ENRICHED:
        directors = ", ".join(movie.directors) or "unknown director"
        runtime = f", {movie.runtime} min" if isinstance(movie.runtime, int) else ""
        genres = ", ".join(movie.genres)
        return f"✓ {movie.title} ({year}) → {value(movie.matched_title)} — {directors}{runtime} [{genres}]"
    if movie.status is MovieStatus.UNMATCHED:
        return f"? {movie.title} ({year}): no confident match, {len(movie.candidates)} candidate(s)"
    if movie.status is MovieStatus.FAILED:
        return f"✗ {movie.title} ({year}): {value(movie.error, 'lookup failed')}"
    return f"… {movie.title} ({year}): pending"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a Letterboxd or IMDb export, or any CSV of titles and years")
    parser.add_argument("--base-url", default=os.environ.get("REELSTREAM_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--delete", action="store_true", help="delete the session afterwards (with its owner token)")
    args = parser.parse_args()

    with Client(base_url=args.base_url, timeout=30.0) as client:
        try:
            uploaded = upload(client, args.file)
            print(f"session {uploaded.id}: {uploaded.total_movies} films from a {uploaded.source_format} file")
            session = wait_completed(client, uploaded)
            movies = list(library(client, session.id))
            if args.delete:
                delete(args.base_url, session.id, uploaded.owner_token)
        except ApiProblem as problem:
            print(problem, file=sys.stderr)
            return 1

    for movie in movies:
        print(describe(movie))
    print(
        f"{session.status.value}: {session.enriched_count} enriched, "
        f"{session.unmatched_count} unmatched, {session.failed_count} failed"
    )
    completed_at = session.completed_at if not isinstance(session.completed_at, Unset) else None
    result = {
        "session_id": session.id,
        "status": session.status.value,
        "total_movies": session.total_movies,
        "films_listed": len(movies),
        "completed_at": completed_at.isoformat() if completed_at else None,
        "deleted": args.delete,
    }
    # One machine-readable line for scripts (examples/contract.sh asserts on it).
    print("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
