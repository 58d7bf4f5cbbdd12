import { describe, expect, it } from "vitest";
import { writeQuantity } from "../../src/platform/quantity";

describe("writeQuantity: a plan's quantity as a shop writes it", () => {
  const box = { unitsPerPackage: 30, unitLabel: "包" };
  it("a package of several units: the packages, with what one holds", () => {
    expect(writeQuantity(1, box, "ja")).toBe("1個（30包入り）");
    expect(writeQuantity(2, box, "ja")).toBe("2個（30包入り）");
    expect(writeQuantity(1, box, "en")).toBe("1 pack of 30 sachets");
    expect(writeQuantity(3, { unitsPerPackage: 62, unitLabel: "粒" }, "en")).toBe("3 packs of 62 tablets");
    expect(writeQuantity(1, { unitsPerPackage: 30, unitLabel: null }, "ja")).toBe("1個（30個入り）");
  });
  it("the package is the unit (one per package, or no unitsPerPackage): the unit's own counter", () => {
    expect(writeQuantity(2, { unitsPerPackage: 1, unitLabel: "本" }, "ja")).toBe("2本");
    expect(writeQuantity(1, { unitLabel: "包" }, "ja")).toBe("1包");
    expect(writeQuantity(2, {}, "ja")).toBe("2個");
    expect(writeQuantity(1, { unitsPerPackage: 1, unitLabel: "本" }, "en")).toBe("1 bottle");
    expect(writeQuantity(2, {}, "en")).toBe("2 units");
  });
  it("a shop's own English label, written in the singular, is plural for any number but 1; Japanese as written", () => {
    expect(writeQuantity(2, { unitLabel: "bag" }, "en")).toBe("2 bags"); // was "2 bag" on a US shop's portal and console
    expect(writeQuantity(1, { unitLabel: "bag" }, "en")).toBe("1 bag");
    expect(writeQuantity(1, { unitsPerPackage: 60, unitLabel: "softgel" }, "en")).toBe("1 pack of 60 softgels");
    expect(writeQuantity(3, { unitLabel: "pouch" }, "en")).toBe("3 pouches");
    expect(writeQuantity(2, { unitLabel: "tea bag" }, "en")).toBe("2 tea bags");
    expect(writeQuantity(2, { unitLabel: "berry" }, "en")).toBe("2 berries");
    expect(writeQuantity(1, { unitsPerPackage: 12, unitLabel: "oz" }, "en")).toBe("1 pack of 12 oz");
    expect(writeQuantity(2, { unitLabel: "pcs" }, "en")).toBe("2 pcs");
    expect(writeQuantity(2, { unitLabel: "K-Cup" }, "en")).toBe("2 K-Cup");
    expect(writeQuantity(2, { unitLabel: "bag" }, "ja")).toBe("2bag");
  });
});
