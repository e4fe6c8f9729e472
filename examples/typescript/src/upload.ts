// Uploads a watch history to reelstream and prints each film as it is enriched:
// live over Server-Sent Events, or by polling when the stream cannot open.
//
//   npm ci && npm run generate        # types from ../../openapi.yaml into src/api.d.ts
//   npm start -- FILE [--base-url URL] [--poll] [--delete]
//
// The upload answers with the session and its owner token: reads need only the
// session's id; a change (here `--delete`) sends `Authorization: Bearer <owner_token>`.
// Every request goes through openapi-fetch, typed by the openapi-typescript
// output; the stream's messages are typed by the same document's `Event`.

import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";

import { EventSource } from "eventsource";
import createClient from "openapi-fetch";

import type { components, paths } from "./api.js";

type Session = components["schemas"]["Session"];
type OwnedSession = components["schemas"]["OwnedSession"];
type Movie = components["schemas"]["Movie"];
type Event = components["schemas"]["Event"];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "base-url": { type: "string", default: process.env.REELSTREAM_URL ?? "http://127.0.0.1:8080" },
    poll: { type: "boolean", default: false },
    delete: { type: "boolean", default: false },
  },
});
const [path] = positionals;
if (!path) {
  console.error("usage: npm start -- FILE [--base-url URL] [--poll] [--delete]");
  process.exit(2);
}
const baseUrl = values["base-url"];
const client = createClient<paths>({ baseUrl });

/** One line per film, as it becomes final. */
function printFilm(movie: Movie): void {
  const year = movie.year ?? "?";
  switch (movie.status) {
    case "enriched": {
      const by = movie.directors.join(", ") || "unknown director";
      const runtime = movie.runtime != null ? `, ${movie.runtime} min` : "";
      console.log(`✓ ${movie.title} (${year}) → ${movie.matched_title} — ${by}${runtime} [${movie.genres.join(", ")}]`);
      break;
    }
    case "unmatched":
      console.log(`? ${movie.title} (${year}): no confident match, ${movie.candidates.length} candidate(s)`);
      break;
    case "failed":
      console.log(`✗ ${movie.title} (${year}): ${movie.error ?? "lookup failed"}`);
      break;
    case "pending":
      break;
  }
}

/** `POST /api/upload`. openapi-typescript types a `format: binary` part as a
 * string, so the file itself travels through the body serializer. */
async function upload(file: File): Promise<OwnedSession> {
  const { data, error, response } = await client.POST("/api/upload", {
    body: { file: file.name },
    bodySerializer: () => {
      const form = new FormData();
      form.append("file", file);
      return form;
    },
  });
  if (error) {
    const rows = (error.errors ?? []).map((e) => `\n  row ${e.row ?? "?"}: ${e.message}`).join("");
    throw new Error(`upload rejected (${response.status} ${error.title}): ${error.detail}${rows}`);
  }
  return data;
}

/** Follows the session's SSE stream from its first event. Resolves with the
 * completed session, or with `null` when the stream cannot open. */
function follow(session: Session, seen: Set<number>): Promise<Session | null> {
  // `last_event_id=0` replays every film already final before we subscribed;
  // on a reconnect, EventSource sends `Last-Event-ID` itself and the server resumes there.
  const url = new URL(`/api/session/${encodeURIComponent(session.id)}/events`, baseUrl);
  url.searchParams.set("last_event_id", "0");
  return new Promise((resolve) => {
    const source = new EventSource(url);
    let opened = false;
    const onMessage = (message: MessageEvent) => {
      opened = true;
      const event = JSON.parse(String(message.data)) as Event;
      switch (event.type) {
        case "snapshot":
          console.log(`… ${event.session.processed_count}/${event.session.total_movies} films final when the stream opened`);
          break;
        case "movie":
          if (!seen.has(event.movie.id)) {
            seen.add(event.movie.id);
            printFilm(event.movie);
          }
          break;
        case "completed":
          source.close();
          resolve(event.session);
          break;
      }
    };
    for (const type of ["snapshot", "movie", "completed"] as const) {
      source.addEventListener(type, onMessage);
    }
    source.addEventListener("open", () => {
      opened = true;
    });
    source.addEventListener("error", (err) => {
      // A stream that never opened, or one the client gave up on, falls back to polling;
      // a dropped connection is retried by EventSource with Last-Event-ID.
      if (!opened || source.readyState === EventSource.CLOSED) {
        source.close();
        console.error(`SSE unavailable (${err.message ?? `code ${err.code ?? "?"}`}); polling instead`);
        resolve(null);
      }
    });
  });
}

/** The polling fallback: `GET /api/session/{id}` until completed, then the library. */
async function poll(session: Session, seen: Set<number>): Promise<Session> {
  const params = { path: { id: session.id } };
  let current = session;
  while (current.status !== "completed") {
    await new Promise((r) => setTimeout(r, 250));
    const { data, error } = await client.GET("/api/session/{id}", { params });
    if (error) throw new Error(`getSession: ${error.status} ${error.detail}`);
    current = data;
    console.log(`… ${current.processed_count}/${current.total_movies} films final`);
  }
  for await (const movie of library(session.id)) {
    if (!seen.has(movie.id)) {
      seen.add(movie.id);
      printFilm(movie);
    }
  }
  return current;
}

/** Every movie of a session, page by page (`GET /api/session/{id}/movies`). */
async function* library(id: string): AsyncGenerator<Movie> {
  const limit = 100;
  for (let offset = 0; ; offset += limit) {
    const { data, error } = await client.GET("/api/session/{id}/movies", {
      params: { path: { id }, query: { offset, limit } },
    });
    if (error) throw new Error(`listMovies: ${error.status} ${error.detail}`);
    yield* data.items;
    if (offset + data.items.length >= data.total) return;
  }
}

/** `DELETE /api/session/{id}`: a change, so it carries the owner token. */
async function remove(session: OwnedSession): Promise<void> {
  const { error, response } = await client.DELETE("/api/session/{id}", {
    params: { path: { id: session.id } },
    headers: { Authorization: `Bearer ${session.owner_token}` },
  });
  if (error) throw new Error(`deleteSession: ${response.status} ${error.detail}`);
}

async function main(file: File): Promise<Session> {
  const session = await upload(file);
  console.log(`session ${session.id}: ${session.total_movies} films from a ${session.source_format} file`);
  let done = values.poll ? null : await follow(session, seen);
  if (done === null) {
    transport = "polling";
    done = await poll(session, seen);
  }
  if (values.delete) await remove(session);
  return done;
}

const seen = new Set<number>();
let transport = "sse";
const done = await main(new File([await readFile(path)], basename(path))).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
console.log(
  `${done.status}: ${done.enriched_count} enriched, ${done.unmatched_count} unmatched, ${done.failed_count} failed (via ${transport})`,
);
// One machine-readable line for scripts (examples/contract.sh asserts on it).
console.log(
  `RESULT ${JSON.stringify({ transport, session_id: done.id, status: done.status, total_movies: done.total_movies, films_printed: seen.size, deleted: values.delete })}`,
);
