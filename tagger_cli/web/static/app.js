// mtat-tagger serve: the page's behaviour. Plain JS, no libraries, nothing fetched from other hosts.
// Every text from the server is inserted with textContent (file names may contain markup).
"use strict";

const $ = (id) => document.getElementById(id);
let maxUploadBytes = null;
// The tags of the search on screen, as chips: [{tag, weight, negated}] (the API's matched_tags).
let chips = [];
// /healthz, fetched once (the catalog's short songs and the length below which a song is short).
let health = null;

// A query string that keeps a tag profile readable: /?tags=piano:1,slow:0.5,-drums
function queryString(params) {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`
      .replace(/%3A/gi, ":").replace(/%2C/gi, ",").replace(/%20/g, "+"))
    .join("&");
}

// chips -> the text of a tags= profile (weight 1 left out), as mtat.search.profile.format_profile writes it
function formatProfile(list) {
  const written = (w) => Math.max(Number(w.toFixed(4)), 0.0001);  // a tiny weight stays a valid (positive) one
  return list.map((c) => `${c.negated ? "-" : ""}${c.tag}${written(c.weight) === 1 ? "" : `:${written(c.weight)}`}`)
    .join(",");
}

function chipLabel(c) {
  return `${c.negated ? "without " : ""}${c.tag}`;
}

function baseName(path) {
  const parts = String(path).split("/");
  return parts[parts.length - 1] || String(path);
}

async function getJSON(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error : `HTTP ${response.status}`;
    const err = new Error(message);
    err.status = response.status;
    throw err;
  }
  return body;
}

function fillBars(list, tags) {
  list.replaceChildren();
  for (const [tag, p] of Object.entries(tags)) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "tag";
    name.textContent = tag;
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.setAttribute("aria-hidden", "true");
    const fill = document.createElement("span");
    fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
    bar.appendChild(fill);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = p.toFixed(2);
    li.append(name, bar, value);
    list.appendChild(li);
  }
}

// The tags that apply (at or above their threshold) as chips, apart from the probability bars.
// applies undefined/null: the model has no thresholds, the box stays hidden.
function fillApplies(box, applies) {
  box.replaceChildren();
  box.hidden = !Array.isArray(applies);
  if (box.hidden) return;
  const label = document.createElement("span");
  label.className = "applies-label";
  label.textContent = applies.length ? "Applies:" : "No tag reaches its threshold";
  box.appendChild(label);
  for (const tag of applies) {
    const chip = document.createElement("span");
    chip.className = "applies-chip";
    chip.textContent = tag;
    box.appendChild(chip);
  }
  box.title = "tags at or above their threshold (chosen per tag on the validation split)";
}

// magma-like colour map: 0 = black, 1 = pale yellow
const STOPS = [[0, [0, 0, 4]], [0.25, [81, 18, 124]], [0.5, [183, 55, 121]], [0.75, [252, 137, 97]], [1, [252, 253, 191]]];
function colour(v) {
  v = Math.max(0, Math.min(1, v));
  for (let i = 1; i < STOPS.length; i++) {
    const [x1, c1] = STOPS[i];
    const [x0, c0] = STOPS[i - 1];
    if (v <= x1) {
      const t = (v - x0) / (x1 - x0);
      return `rgb(${c0.map((c, k) => Math.round(c + t * (c1[k] - c))).join(",")})`;
    }
  }
  return "rgb(252,253,191)";
}

function drawTaggram(canvas, t) {
  const rows = t.tags.length, cols = t.starts.length;
  const labelW = 170, axisH = 24, rowH = 20;
  canvas.width = 800;
  canvas.height = rows * rowH + axisH + 6;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const plotW = canvas.width - labelW - 8;
  const duration = Math.max(t.duration, 1e-6);
  // colour scale 0..the largest value (a weak model's 0.2 would be black on a 0..1 scale)
  const vmax = Math.max(0.05, ...t.values.map((row) => Math.max(...row)));
  ctx.font = "12px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  for (let r = 0; r < rows; r++) {
    ctx.fillStyle = "#1d1d1f";
    ctx.textAlign = "right";
    ctx.fillText(`${t.tags[r]} (${t.probabilities[r].toFixed(2)})`, labelW - 6, r * rowH + rowH / 2);
    for (let c = 0; c < cols; c++) {
      // each column spans from the midpoint with the previous window centre to the next one
      const centre = t.starts[c] + t.window_seconds / 2;
      const prev = c === 0 ? 0 : (t.starts[c - 1] + t.window_seconds / 2 + centre) / 2;
      const next = c === cols - 1 ? duration : (centre + t.starts[c + 1] + t.window_seconds / 2) / 2;
      const x0 = labelW + (prev / duration) * plotW, x1 = labelW + (Math.min(next, duration) / duration) * plotW;
      ctx.fillStyle = colour(t.values[r][c] / vmax);
      ctx.fillRect(x0, r * rowH, Math.max(1, x1 - x0 + 0.5), rowH - 1);
    }
  }
  ctx.fillStyle = "#5f6368";
  ctx.textAlign = "center";
  const step = duration > 120 ? 30 : duration > 40 ? 10 : 5;
  for (let s = 0; s <= duration + 1e-6; s += step) {
    ctx.fillText(`${s}s`, labelW + (s / duration) * plotW, rows * rowH + axisH / 2 + 2);
  }
  const best = t.tags.slice(0, 3).join(", ");
  canvas.setAttribute("aria-label", `taggram over ${t.duration.toFixed(1)} s; most probable tags: ${best}`);
  canvas.dataset.columns = String(cols);
  canvas.dataset.duration = String(duration);
  canvas.dataset.plotLeft = String(labelW);
  canvas.dataset.plotWidth = String(plotW);
  canvas.dataset.plotHeight = String(rows * rowH);
  canvas.dataset.vmax = vmax.toFixed(2);
  return vmax;
}

// The tooltip of a short song's badge (seconds: the catalog's threshold, from /healthz).
function shortTitle(seconds) {
  const under = seconds ? `Shorter than ${seconds} s` : "Very short";
  return `${under}: the model's tags for it are unreliable (it learnt from 29 s clips), ` +
    "so searches leave it out unless “Include short clips” is ticked.";
}

// " (filtered)" when the answer applied filters; which songs come first because the query names them
function filteredNote(res) {
  const named = res.named ? `; ${res.named === 1 ? "the song" : `${res.named} songs`} named in the query first` : "";
  return named + (res.filters ? " (filtered)" : "");
}

// "; 3 short clips left out" when the answer left short songs out ("" when none)
function shortNote(res) {
  const n = res.short_excluded || 0;
  return n ? `; ${n} short clip${n === 1 ? "" : "s"} left out` : "";
}

// What a row and the player call a song: its title tag, else its file name.
function songName(r) {
  return r.title || baseName(r.path);
}

// Under the name: artist · album when known, else the folder the file is in (catalog-relative).
function songSub(r) {
  const known = [r.artist, r.album].filter(Boolean);
  if (known.length) return known.join(" · ");
  const folder = String(r.path).split("/").slice(0, -1).join("/");
  return r.title ? baseName(r.path) : folder;
}

// 95 -> "1:35"; unknown -> ""
function clock(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "";
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

const SCORE_HELP = {
  search: "how well the song matches the query, 0 to 1 (comparable across searches; the query's " +
    "confidence scales it)",
  similar: "how alike the two songs sound, -1 to 1 (cosine of their audio embeddings)",
};
// Tags shown on a row (the song's most probable ones).
const ROW_TAGS = 4;

function tagChips(list, result) {
  list.replaceChildren();
  const applies = Array.isArray(result.applies) ? result.applies : null;
  for (const [tag, p] of Object.entries(result.tags).slice(0, ROW_TAGS)) {
    const li = document.createElement("li");
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "tag-chip" + (applies && applies.includes(tag) ? " applies" : "");
    chip.dataset.tag = tag;
    chip.textContent = tag;
    const applied = applies ? (applies.includes(tag) ? "; applies (at or above its threshold)" : "; below its threshold") : "";
    chip.title = `${tag}: probability ${p.toFixed(2)}${applied}. Click: only songs with ${tag}`;
    chip.addEventListener("click", () => addFilterTag(tag, false));
    li.appendChild(chip);
    list.appendChild(li);
  }
}

function songItem(result, rank, mode) {
  const node = $("song-template").content.firstElementChild.cloneNode(true);
  const name = songName(result);
  node.dataset.id = result.id;
  node.querySelector(".title").textContent = name;
  node.querySelector(".title").title = name;
  node.querySelector(".sub").textContent = songSub(result);
  node.querySelector(".duration").textContent = clock(result.duration);
  if (result.short) {
    const badge = node.querySelector(".short-badge");
    badge.hidden = false;
    badge.title = shortTitle(null);
    if (health) health.then((h) => { badge.title = shortTitle(h.short_seconds); }).catch(() => {});
  }
  const value = mode === "similar" ? result.similarity : result.score;
  const score = node.querySelector(".score");
  score.textContent = value.toFixed(2);
  score.title = `${mode === "similar" ? "Similarity" : "Score"} ${value.toFixed(3)}: ${SCORE_HELP[mode]}`;
  score.setAttribute("aria-label", score.title);
  tagChips(node.querySelector(".tags"), result);
  const play = node.querySelector(".play-button");
  play.setAttribute("aria-label", `play ${name}`);
  if (result.audio_url) play.addEventListener("click", () => togglePlay(result));
  else play.disabled = true;
  const similar = node.querySelector(".similar-button");
  similar.setAttribute("aria-label", `songs that sound like ${name}`);
  similar.addEventListener("click", () => { navigate({ similar: result.id }); });
  const like = node.querySelector(".like-button");
  like.setAttribute("aria-label", `more like ${name}: songs with its tags`);
  like.addEventListener("click", () => { navigate({ like: result.id }); });
  const button = node.querySelector(".taggram-button");
  button.setAttribute("aria-label", `taggram of ${name}`);
  const box = node.querySelector(".taggram-box");
  const canvas = box.querySelector("canvas");
  canvas.addEventListener("click", (event) => seekFromTaggram(canvas, result, event));
  button.addEventListener("click", async () => {
    const open = box.hidden;
    box.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (!open || box.dataset.loaded) return;
    const status = box.querySelector(".taggram-status");
    status.textContent = "computing the taggram…";
    button.disabled = true;
    try {
      const t = await getJSON(`/api/taggram?id=${encodeURIComponent(result.id)}`);
      const vmax = drawTaggram(canvas, t);
      box.dataset.loaded = "1";
      const windows = t.starts.length === 1 && t.window_seconds >= t.duration - 1e-3
        ? `one column: the whole ${t.duration.toFixed(2)} s clip, shorter than a 3 s window (its clip-level tags)`
        : `${t.starts.length} windows of ${t.window_seconds} s over ${t.duration.toFixed(1)} s`;
      status.textContent = `${windows}; colour from black (0) to pale yellow (${vmax.toFixed(2)}). ` +
        "Click to play from there.";
      updatePlayhead();
    } catch (err) {
      status.textContent = `taggram failed: ${err.message}`;
      status.classList.add("error");
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

function showSongs(results, mode, more) {
  const list = $("results");
  list.replaceChildren(...results.map((r, i) => songItem(r, i + 1, mode)));
  $("load-more").hidden = !more;
  markPlaying();
}

// -- the one player ------------------------------------------------------------------------
// The song in the player: {id, audio_url, ...} (a result) or null.
let nowPlaying = null;

function player() {
  return $("player-audio");
}

// Put ``result`` in the player (from ``start`` seconds) and play it; the player stays while the page changes.
function playSong(result, start) {
  const audio = player();
  const same = nowPlaying && nowPlaying.id === result.id;
  nowPlaying = result;
  $("player").hidden = false;
  $("player-title").textContent = songName(result);
  $("player-sub").textContent = [songSub(result), clock(result.duration)].filter(Boolean).join(" · ");
  $("player").dataset.id = String(result.id);
  if (!same) {
    audio.src = result.audio_url;
    audio.dataset.duration = String(result.duration || "");
  }
  if (start !== undefined) {
    if (audio.readyState >= 1) audio.currentTime = start;
    else audio.addEventListener("loadedmetadata", () => { audio.currentTime = start; }, { once: true });
  }
  audio.play().catch(() => {});  // refused autoplay: the player's own button still works
  markPlaying();
}

function togglePlay(result) {
  const audio = player();
  if (nowPlaying && nowPlaying.id === result.id && !audio.paused) audio.pause();
  else playSong(result);
}

// The rows' play buttons and the open taggrams follow the player.
function markPlaying() {
  const audio = player();
  for (const row of $("results").children) {
    const current = nowPlaying !== null && row.dataset.id === String(nowPlaying.id);
    const playing = current && !audio.paused;
    row.classList.toggle("current", current);
    const button = row.querySelector(".play-button");
    button.textContent = playing ? "❚❚" : "▶";
    button.setAttribute("aria-pressed", String(playing));
  }
  updatePlayhead();
}

function updatePlayhead() {
  const audio = player();
  for (const row of $("results").children) {
    const head = row.querySelector(".playhead");
    const canvas = row.querySelector("canvas.taggram");
    const current = nowPlaying !== null && row.dataset.id === String(nowPlaying.id);
    if (!head || !canvas.dataset.duration || !current) {
      if (head) head.hidden = true;
      continue;
    }
    const duration = Number(canvas.dataset.duration);
    const t = Math.max(0, Math.min(duration, audio.currentTime || 0));
    const scale = canvas.clientWidth / canvas.width;
    const left = (Number(canvas.dataset.plotLeft) + (t / duration) * Number(canvas.dataset.plotWidth)) * scale;
    head.hidden = false;
    head.style.left = `${left - 1}px`;
    head.style.height = `${Number(canvas.dataset.plotHeight) * scale}px`;
    head.dataset.time = t.toFixed(2);
  }
}

// A click on a taggram plays its song from the clicked time.
function seekFromTaggram(canvas, result, event) {
  if (!canvas.dataset.duration || !result.audio_url) return;
  const rect = canvas.getBoundingClientRect();
  const x = (event.clientX - rect.left) * (canvas.width / rect.width);
  const fraction = (x - Number(canvas.dataset.plotLeft)) / Number(canvas.dataset.plotWidth);
  if (fraction < 0 || fraction > 1) return;  // the tag labels
  playSong(result, fraction * Number(canvas.dataset.duration));
}

function animatePlayhead() {
  updatePlayhead();
  if (!player().paused) requestAnimationFrame(animatePlayhead);
}

// The chips of the search on screen (null: no search, the chips and the tag picker are hidden).
// lowConfidence: the API's "low_confidence" (confidence below the library's LOW_CONFIDENCE, the line
// `search --explain` uses too): the page then says how it read the query (the kinds of music, then the tags).
function showMatched(matched, lowConfidence, kinds) {
  const box = $("matched");
  box.replaceChildren();
  $("refine").hidden = matched === null;
  chips = (matched || []).map((m) => ({ tag: m.tag, weight: m.similarity, negated: !!m.negated }));
  const unsure = $("unsure");
  unsure.hidden = !(lowConfidence === true && chips.length);
  const like = (kinds || []).length ? `music like ${kinds.map((k) => k.kind).join(", ")}; tags ` : "";
  unsure.textContent = unsure.hidden ? "" : `Not sure what this means — read as: ${like}${chips.map(chipLabel).join(", ")}`;
  for (const option of $("add-tag").options) option.disabled = chips.some((c) => c.tag === option.value);
  if (!chips.length) return;
  box.append("Tags: ");
  chips.forEach((c, k) => {
    const chip = document.createElement("span");
    chip.className = "chip" + (c.negated ? " negated" : "");
    chip.dataset.tag = c.tag;
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "chip-label";
    toggle.textContent = `${chipLabel(c)} ${c.weight.toFixed(2)}`;
    toggle.setAttribute("aria-pressed", String(c.negated));
    toggle.title = c.negated ? `search with ${c.tag} again` : `search without ${c.tag}`;
    toggle.addEventListener("click", () => {
      chips[k] = { ...c, negated: !c.negated };
      searchChips();
    });
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "chip-remove";
    remove.textContent = "×";
    remove.setAttribute("aria-label", `remove ${chipLabel(c)}`);
    remove.addEventListener("click", () => {
      chips.splice(k, 1);
      searchChips();
    });
    chip.append(toggle, remove);
    box.appendChild(chip);
  });
}

// Re-run the search on exactly the chips (an explicit tags= profile); the address keeps it.
function searchChips() {
  if (chips.length) {
    navigate({ tags: formatProfile(chips) });
    return;
  }
  history.pushState(null, "", "/");
  $("results-heading").textContent = "Results";
  showMatched([]);
  showSongs([], "search", false);
  $("status").classList.remove("error");
  $("status").textContent = "No tags left: add a tag or type a query.";
}

function addTag() {
  const tag = $("add-tag").value;
  if (!tag || chips.some((c) => c.tag === tag)) return;
  chips.push({ tag, weight: 1, negated: false });
  $("add-tag").value = "";
  searchChips();
}

// Results per page: "Load more" asks for this many more (the address keeps the total as top=).
const PAGE = 10;
const MAX_TOP = 100;

// The query box during a view that is not a typed query ("similar to …", "more like …"): the text it
// shows, so that pressing Enter on it re-runs the view instead of searching those words.
function describeInBox(text) {
  $("q").value = text;
  $("q").dataset.described = text;
}

// params: {q}, {tags} (an explicit profile) or {like} (a song id)
async function runSearch(params, top) {
  const status = $("status");
  $("results-heading").textContent = "Results";
  status.classList.remove("error");
  status.textContent = "searching…";
  try {
    const res = await getJSON(`/api/search?${queryString({ ...params, top, ...shortParam(), ...filterParams() })}`);
    showMatched(res.matched_tags, res.low_confidence && !res.named, res.kinds);  // a named song: the query was understood
    showSongs(res.results, "search", res.results.length >= top && top < MAX_TOP);
    const n = res.results.length;
    if (res.like) {
      const name = songName(res.like);
      describeInBox(`more like “${name}”`);
      $("results-heading").textContent = `More like ${name}`;
      status.textContent = `${n} songs with the tags of ${name}`;
    } else if (params.tags !== undefined) {
      const read = chips.map(chipLabel).join(", ");
      status.textContent = n ? `${n} songs for the tags ${read}` : `no songs for the tags ${read}`;
    } else {
      status.textContent = n ? `${n} songs for “${res.query}”` : `no songs for “${res.query}”`;
    }
    status.textContent += shortNote(res) + filteredNote(res);
  } catch (err) {
    showMatched(null);
    showSongs([], "search", false);
    status.textContent = `search failed: ${err.message}`;
    status.classList.add("error");
  }
}

async function runSimilar(id, top) {
  const status = $("status");
  status.classList.remove("error");
  status.textContent = "finding similar songs…";
  try {
    const res = await getJSON(`/api/similar?${queryString({ id, top, ...shortParam(), ...filterParams() })}`);
    const name = songName(res.song);
    describeInBox(`similar to “${name}”`);
    $("results-heading").textContent = `Songs that sound like ${name}`;
    showMatched(null);
    showSongs(res.results, "similar", res.results.length >= top && top < MAX_TOP);
    status.textContent = `${res.results.length} songs similar to ${name}${shortNote(res)}${filteredNote(res)}`;
    $("results-heading").focus();
  } catch (err) {
    showMatched(null);
    showSongs([], "similar", false);
    status.textContent = `similar songs failed: ${err.message}`;
    status.classList.add("error");
  }
}

// {include_short: 1} when the "Include short clips" box is ticked (the API's and the address's parameter)
function shortParam() {
  return $("include-short").checked ? { include_short: 1 } : {};
}

// The address's top= (results asked for: PAGE, then PAGE more per "Load more"), within 1..MAX_TOP.
function topOf(params) {
  const top = Number.parseInt(params.get("top") || "", 10);
  return Number.isFinite(top) && top >= 1 ? Math.min(top, MAX_TOP) : PAGE;
}

function fromURL() {
  const params = new URLSearchParams(window.location.search);
  $("include-short").checked = params.get("include_short") === "1";
  if ($("include-short").checked) $("short-toggle").hidden = false;
  const top = topOf(params);
  showFilters(params);
  delete $("q").dataset.described;
  if (params.has("similar")) return runSimilar(params.get("similar"), top);
  for (const key of ["like", "tags"]) {
    if (params.has(key)) {
      $("q").value = "";
      return runSearch({ [key]: params.get(key) }, top);
    }
  }
  const q = params.get("q");
  if (q) {
    $("q").value = q;
    return runSearch({ q }, top);
  }
  return null;
}

// Show a new view (a query, a profile, like/similar a song) from its first page, with the filters on screen.
function navigate(params) {
  history.pushState(null, "", `/?${queryString({ ...params, top: PAGE, ...shortParam(), ...filterParams() })}`);
  fromURL();
}

// The address with ``change`` applied (null deletes a parameter); the view runs again from it.
function updateURL(change) {
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(change)) {
    if (value === null) params.delete(key);
    else params.set(key, String(value));
  }
  history.pushState(null, "", `/?${queryString(Object.fromEntries(params))}`);
  fromURL();
}

// The box was (un)ticked: the address keeps it, and the search (or similar songs) on screen runs again.
function toggleShort() {
  updateURL({ include_short: $("include-short").checked ? 1 : null });
}

// -- filters: a length range and tags a song must (with=) or must not (without=) have --------
const FILTER_KEYS = ["min_duration", "max_duration", "with", "without"];

// The address's filters, as API parameters.
function filterParams() {
  const params = new URLSearchParams(window.location.search);
  const out = {};
  for (const key of FILTER_KEYS) if (params.get(key)) out[key] = params.get(key);
  return out;
}

function tagList(params, key) {
  return (params.get(key) || "").split(",").filter(Boolean);
}

// {with: [...], without: [...]} with ``tag`` moved to ``key`` ("with", "without") or removed (null).
function withTag(tag, key) {
  const params = new URLSearchParams(window.location.search);
  const lists = { with: tagList(params, "with").filter((t) => t !== tag),
    without: tagList(params, "without").filter((t) => t !== tag) };
  if (key) lists[key].push(tag);
  return { with: lists.with.join(",") || null, without: lists.without.join(",") || null, top: PAGE };
}

// A tag chip of a row was clicked: only songs with that tag (without it when ``exclude``).
function addFilterTag(tag, exclude) {
  updateURL(withTag(tag, exclude ? "without" : "with"));
}

// The length menu and the tag filter chips, from the address.
function showFilters(params) {
  const value = `${params.get("min_duration") || ""}-${params.get("max_duration") || ""}`;
  const select = $("duration");
  if (![...select.options].some((o) => o.value === value)) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = `${value.replace("-", " to ")} s`;
    select.appendChild(option);
  }
  select.value = value;
  const box = $("tag-filters");
  box.replaceChildren();
  const filters = [...tagList(params, "with").map((t) => [t, "with"]), ...tagList(params, "without").map((t) => [t, "without"])];
  box.hidden = !filters.length;
  if (!filters.length) return;
  box.append("Only songs ");
  for (const [tag, key] of filters) {
    const chip = document.createElement("span");
    chip.className = `filter-chip ${key}`;
    chip.dataset.tag = tag;
    chip.dataset.filter = key;
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "filter-label";
    toggle.textContent = `${key} ${tag}`;
    toggle.title = key === "with" ? `only songs without ${tag} instead` : `only songs with ${tag} instead`;
    toggle.addEventListener("click", () => updateURL(withTag(tag, key === "with" ? "without" : "with")));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "filter-remove";
    remove.textContent = "×";
    remove.setAttribute("aria-label", `remove the filter ${key} ${tag}`);
    remove.addEventListener("click", () => updateURL(withTag(tag, null)));
    chip.append(toggle, remove);
    box.appendChild(chip);
  }
}

function changeDuration() {
  const [lo, hi] = $("duration").value.split("-");
  updateURL({ min_duration: lo || null, max_duration: hi || null, top: PAGE });
}

function loadMore() {
  const params = new URLSearchParams(window.location.search);
  updateURL({ top: Math.min(MAX_TOP, topOf(params) + PAGE) });
}

async function upload(event) {
  event.preventDefault();
  const file = $("file").files[0];
  const status = $("upload-status"), errorBox = $("upload-error");
  errorBox.hidden = true;
  $("upload-result").hidden = true;
  if (!file) {
    errorBox.textContent = "Choose an audio file first.";
    errorBox.hidden = false;
    return;
  }
  if (maxUploadBytes !== null && file.size > maxUploadBytes) {
    errorBox.textContent = `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${(maxUploadBytes / 1048576).toFixed(0)} MB.`;
    errorBox.hidden = false;
    return;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  $("upload-button").disabled = true;
  status.textContent = `tagging ${file.name}…`;
  try {
    const res = await getJSON("/api/predict?taggram=1&top=10", { method: "POST", body: form });
    $("upload-name").textContent = res.path;
    const top = {};
    for (const tag of res.top) top[tag] = res.tags[tag];
    fillBars($("upload-tags"), top);
    fillApplies($("upload-applies"), res.applies);
    const vmax = drawTaggram($("upload-taggram"), res.taggram);
    $("upload-scale").textContent = `Colour from black (0) to pale yellow (${vmax.toFixed(2)}).`;
    $("upload-result").hidden = false;
    status.textContent = res.warning ? `tagged ${res.path}; warning: ${res.warning}` : `tagged ${res.path}`;
  } catch (err) {
    status.textContent = "";
    errorBox.textContent = `Could not tag ${file.name}: ${err.message}`;
    errorBox.hidden = false;
  } finally {
    $("upload-button").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("results-heading").tabIndex = -1;
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = $("q").value.trim();
    if ($("q").dataset.described === $("q").value) {  // "similar to …" left as shown: the same view again
      fromURL();
      return;
    }
    if (!q) {
      $("status").textContent = "Type tag names or free words first.";
      return;
    }
    navigate({ q });
  });
  $("upload-form").addEventListener("submit", upload);
  $("add-tag-button").addEventListener("click", addTag);
  $("load-more").addEventListener("click", loadMore);
  $("duration").addEventListener("change", changeDuration);
  const audio = player();
  for (const type of ["play", "pause", "ended", "emptied"]) audio.addEventListener(type, markPlaying);
  audio.addEventListener("play", animatePlayhead);
  audio.addEventListener("seeked", updatePlayhead);
  audio.addEventListener("timeupdate", updatePlayhead);
  getJSON("/api/tags").then((t) => {
    const select = $("add-tag");
    for (const tag of t.tags) {
      const option = document.createElement("option");
      option.value = tag;
      option.textContent = tag;
      option.disabled = chips.some((c) => c.tag === tag);
      select.appendChild(option);
    }
  }).catch(() => { $("add-tag-button").disabled = true; });
  window.addEventListener("popstate", fromURL);
  $("include-short").addEventListener("change", toggleShort);
  health = getJSON("/healthz");
  health.then((h) => {
    maxUploadBytes = h.max_upload_bytes;
    $("short-hint").textContent = `(under ${h.short_seconds} s: their tags are unreliable, so they are left out)`;
    if (h.short_songs > 0) $("short-toggle").hidden = false;
    const model = h.model ? `model version ${h.model.version || "?"}` : "no model (uploads disabled)";
    $("catalog-info").textContent = `${h.songs} songs, ${h.tags} tags, ${model}`;
    $("model-card").hidden = !(h.model && h.model.card_url);
    if (h.model && h.model.card_url) $("model-card-link").href = h.model.card_url;
  }).catch(() => { $("catalog-info").textContent = "catalog status unavailable"; });
  fromURL();
});
