/**
 * A user's CSV becomes a dataset, and a broken one is explained: headers, quoting, line endings,
 * label columns and tasks, then one test per error message.
 */
import { describe, expect, it } from "vitest";
import { classCounts, IRIS_CLASS_NAMES, iris, parseCsv, validateDataset } from "../src/data";
import { MAX_CSV_CLASSES, MAX_CSV_COLUMNS, parseCsvChunks } from "../src/data/csv";

const IRIS_HEAD = "sepal_length,sepal_width,petal_length,petal_width,species";

describe("parseCsv: good files", () => {
  it("a header row, numeric features and a text label in the last column", () => {
    const ds = parseCsv(`${IRIS_HEAD}\n5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n4.9,3.0,1.4,0.2,setosa\n`);
    validateDataset(ds);
    expect(ds.task).toBe("classification");
    expect(ds.n).toBe(4);
    expect(ds.inputShape).toEqual([4]);
    expect(ds.featureNames).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
    expect(ds.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect(Array.from(ds.y)).toEqual([0, 1, 2, 0]);
    expect(Array.from(ds.x.subarray(4, 8))).toEqual([7, 3.2, 4.7, 1.4].map(Math.fround));
  });

  it("the whole Iris set round-trips through CSV text", () => {
    const set = iris();
    const lines = [IRIS_HEAD];
    for (let i = 0; i < set.n; i++)
      lines.push(
        [...set.x.subarray(4 * i, 4 * i + 4)]
          .map((v) => v.toFixed(1))
          .concat(IRIS_CLASS_NAMES[set.y[i]])
          .join(","),
      );
    const ds = parseCsv(lines.join("\r\n"), { name: "iris" });
    expect(ds.n).toBe(150);
    expect(Array.from(ds.x)).toEqual(Array.from(set.x));
    expect(Array.from(ds.y)).toEqual(Array.from(set.y));
    expect(classCounts(ds)).toEqual([50, 50, 50]);
  });

  it("no header: detected when the first row is data like the rest; columns are numbered", () => {
    const ds = parseCsv("1,2,cat\n3,4,dog\n5,6,cat");
    expect(ds.n).toBe(3);
    expect(ds.featureNames).toEqual(["column 1", "column 2"]);
    expect(ds.classNames).toEqual(["cat", "dog"]);
    expect(Array.from(ds.x)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("quoted fields, escaped quotes, delimiters and line breaks inside quotes", () => {
    const text = 'x,"y, the second",label\n1,"2","say ""hi"""\n3,4,"multi\nline"\n5,6,"say ""hi"""\n';
    const ds = parseCsv(text);
    expect(ds.featureNames).toEqual(["x", "y, the second"]);
    expect(ds.classNames).toEqual(["multi\nline", 'say "hi"']);
    expect(Array.from(ds.y)).toEqual([1, 0, 1]);
  });

  it("CRLF and lone CR line ends, blank lines, a byte-order mark, a trailing newline, spaces around fields", () => {
    const text = "\uFEFFa, b ,label\r\n\r\n 1 , 2 , 0 \r\n\n3,4,1\r5,6,0\r\n\r\n";
    const ds = parseCsv(text);
    expect(ds.featureNames).toEqual(["a", "b"]);
    expect(Array.from(ds.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(ds.y)).toEqual([0, 1, 0]);
  });

  it("semicolons and tabs are detected as delimiters", () => {
    expect(parseCsv("a;b;c\n1;2;x\n3;4;y").featureNames).toEqual(["a", "b"]);
    expect(parseCsv("a\tb\tc\n1\t2\tx\n3\t4\ty").featureNames).toEqual(["a", "b"]);
  });

  it("the label column by name or index; features are the other columns in order", () => {
    const text = "species,w,h\nA,1,10\nB,2,20\nA,3,30";
    const byName = parseCsv(text, { label: "species" });
    expect(byName.featureNames).toEqual(["w", "h"]);
    expect(Array.from(byName.x)).toEqual([1, 10, 2, 20, 3, 30]);
    expect(Array.from(byName.y)).toEqual([0, 1, 0]);
    const byIndex = parseCsv(text, { label: 0 });
    expect(Array.from(byIndex.y)).toEqual(Array.from(byName.y));
  });

  it("numeric labels: few whole values mean classes (sorted), others mean regression", () => {
    const classes = parseCsv("x,y\n0.5,3\n0.1,1\n0.2,3\n0.9,-1");
    expect(classes.task).toBe("classification");
    expect(classes.classNames).toEqual(["-1", "1", "3"]);
    expect(Array.from(classes.y)).toEqual([2, 1, 2, 0]);
    const reg = parseCsv("x,y\n1,0.5\n2,1.5\n3,2.25");
    expect(reg.task).toBe("regression");
    expect(reg.targetDim).toBe(1);
    expect(Array.from(reg.y)).toEqual([0.5, 1.5, 2.25]);
    const manyInts = parseCsv(["x,y", ...Array.from({ length: 30 }, (_, i) => `${i},${i * 2}`)].join("\n"));
    expect(manyInts.task).toBe("regression");
    const forced = parseCsv("x,y\n1,0.5\n2,1.5\n3,0.5", { task: "classification" });
    expect(forced.classNames).toEqual(["0.5", "1.5"]);
    expect(parseCsv("x,y\n1,0\n2,1\n3,0", { task: "regression" }).task).toBe("regression");
    expect(Array.from(parseCsv("x,y\n1,1.0\n2,1\n3,2").y)).toEqual([0, 0, 1]);
  });

  it("header: true and header: false override the detection", () => {
    const forced = parseCsv("1,2,0\n3,4,1\n5,6,0", { header: true });
    expect(forced.n).toBe(2);
    expect(forced.featureNames).toEqual(["1", "2"]);
    expect(() => parseCsv("a,b,c\n1,2,3\n4,5,6", { header: false })).toThrow('csv: row 1, column 1: "a" is not a number');
  });
});

describe("parseCsv: errors say what is wrong and where", () => {
  const cases: [string, string, Parameters<typeof parseCsv>[1]?][] = [
    ["", "csv: the file is empty; expected a header row and at least 2 data rows"],
    ["\n\r\n  \n", "csv: the file is empty"],
    ["a,b,c\n1,2,x", "csv: needs at least 2 data rows, got 1"],
    [
      "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n4.9,3,1.4,0.2,setosa\n4.7,3.2,1.3,0.2,setosa\n4.6,3.1,1.5,0.2,setosa\n5,3.6,1.4,0.2,setosa\n5.4,3.9,1.7,abc,setosa\n7,3.2,4.7,1.4,versicolor",
      'csv: row 7, column "petal_width": "abc" is not a number',
    ],
    ["a,b,c,d,label\n1,2,3,4,x\n1,2,3,4,y\n1,2,3,x", "csv: row 4 has 4 fields, the header has 5"],
    ["1,2,x\n3,4,y\n5,z", "csv: row 3 has 2 fields, row 1 has 3"],
    ['a,b,label\n\n1,2,"two\nlines"\n\n1,abc,y', 'csv: row 6, column "b": "abc" is not a number'],
    ["a,b,label\n1,2,x\n1,,y", 'csv: row 3, column "b" is empty; missing values are not supported'],
    ["a,b,label\n1,2,x\n1,2,\n", 'csv: row 3, label column "label" is empty; every row needs a label'],
    ["a,b,label\n1,2,cat\n3,4,cat\n5,6,cat", 'csv: the label column "label" has a single class "cat"; classification needs at least 2 classes'],
    ["label\n1\n2\n3", 'csv: no feature columns: each row has only the label column "label"'],
    ["a,b,label\n1,2,x\n3,4,y", 'csv: no column "species"; the columns are "a", "b", "label"', { label: "species" }],
    ["a,b,label\n1,2,x\n3,4,y", "csv: label column 3 is out of range; the file has 3 columns (0..2)", { label: 3 }],
    ["a,b,label\n1,2,x\n3,4,y", 'csv: row 2, column "label": "x" is not a number; regression needs numeric targets', { task: "regression" }],
    ['a,b,label\n1,2,"x\n3,4,y', "csv: row 2: the quoted field opened on line 2 is never closed"],
    ['a,b,label\n1,2,"x"y\n3,4,y', 'csv: row 2: unexpected "y" after the closing quote of a field'],
  ];
  for (const [text, message, options] of cases) {
    it(message, () => {
      expect(() => parseCsv(text, options)).toThrow(message);
    });
  }
});

describe("parseCsv: streams, bounds and big inputs", () => {
  const texts = [
    "a,b,label\r\n1,2,x\r\n3,4,y\r\n",
    '\uFEFFa;b;label\n1;2;"x\r\ny"\n3;"4";"q""uote"\r5;6;x',
    'a,b,label\n  "1" ,2,x\n\n3,4,y\n"5",6,"z"',
    "1\t2\t0\n3\t4\t1\n5\t6\t0",
  ];

  async function* chunked(text: string, size: number): AsyncIterable<string> {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }

  it("reads text in chunks split anywhere (inside quotes, between CR and LF) as it reads it whole", async () => {
    for (const text of texts)
      for (const size of [1, 2, 3, 5, 7, 1000]) expect(await parseCsvChunks(chunked(text, size)), `${JSON.stringify(text)} by ${size}`).toEqual(parseCsv(text));
    await expect(parseCsvChunks(chunked('a,b,label\n1,2,"x\n', 3))).rejects.toThrow("csv: row 2: the quoted field opened on line 2 is never closed");
  });

  it("reads in linear time: a 20 MB field fails in well under a second, with a short message", () => {
    const text = `a,b,label\n1,2,x\n${"7".repeat(20_000_000)}x,3,y\n`;
    const started = performance.now();
    let message = "";
    try {
      parseCsv(text);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect(message).toMatch(/^csv: row 3, column "a": "7{50,}…" is not a number$/);
    expect(message.length).toBeLessThan(120);
  });

  it("refuses numbers beyond float32's range, in features and targets", () => {
    expect(parseCsv("a,t\n3.4e38,1.5\n1,2.5").x[0]).toBeCloseTo(3.4e38, -33);
    expect(() => parseCsv("a,t\n4e38,1\n1,2")).toThrow('csv: row 2, column "a": "4e38" is beyond float32\'s range (±3.4e38)');
    expect(() => parseCsv("a,t\n1,1.5\n1,-5e38", { task: "regression" })).toThrow('csv: row 3, column "t": "-5e38" is beyond float32\'s range');
  });

  it("caps the classes of a label column, saying how many it found", () => {
    const rows = (k: number) => `a,label\n${Array.from({ length: k }, (_, i) => `${i},id${i}`).join("\n")}`;
    expect(parseCsv(rows(MAX_CSV_CLASSES)).classes).toBe(MAX_CSV_CLASSES);
    expect(() => parseCsv(rows(10_000))).toThrow('csv: the label column "label" has 10,000 distinct values; a classifier takes at most 256');
  });

  it("caps columns, and quotes long names and labels only in part", () => {
    expect(() => parseCsv(`${Array.from({ length: MAX_CSV_COLUMNS + 1 }, (_, i) => `c${i}`).join(",")}\n`)).toThrow(
      "csv: row 1 has 10,001 columns; a table may have at most 10,000",
    );
    const long = "n".repeat(100_000);
    let message = "";
    try {
      parseCsv(`${long},b\n1,x\n2,x`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^csv: the label column "b" has a single class "x"/);
    expect(() => parseCsv(`a,b\n1,x\n2,y`, { label: long })).toThrow(/^csv: no column "n{57}…"; the columns are "a", "b"$/);
  });
});
