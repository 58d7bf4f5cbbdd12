import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// What an IVR or a CTI adapter sends as the caller ID, and what the caller then hears (every answer
// is held to openapi.json by the harness).
describe("the data dip from telephony's caller IDs", () => {
  let h: NodeHarness;
  let t: TestTenant;
  const customerId = uid("C");
  const withheldLine = "お電話ありがとうございます。番号が通知されていないため、お客様情報を確認できませんでした。";
  const lookup = (phone: string) => h.request("GET", `/v1/lookup?phone=${encodeURIComponent(phone)}`, { key: t.key, headers: { "accept-language": "ja" } });

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody({ name: "東海林 一", nameKana: "ショウジ ハジメ", phone: "090-1234-5678" }) });
    await h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 10) }) });
  });
  afterAll(() => h.close());

  it("finds the caller from a SIP URI whose host is a PBX's address, a 186 prefix and a keypad's closing #", async () => {
    for (const form of [
      "sip:09012345678@10.0.0.1",
      "sip:+819012345678@10.0.0.1:5060",
      "sip:+819012345678@192.168.1.10;user=phone",
      '"Hanako" <sips:09012345678@192.168.0.1:5061>;tag=a1',
      "18609012345678",
      "186-090-1234-5678",
      // A carrier's SBC by host name, with port and parameters: longer than 64 characters.
      "sip:+819012345678@sbc01.tokyo.example-carrier.ne.jp:5060;user=phone;transport=udp",
      "09012345678#",
    ]) {
      const res = await lookup(form);
      expect(res.status, form).toBe(200);
      expect(res.body.customer.id, form).toBe(customerId);
    }
  });

  it("says a number was not shown for 184 (the caller withheld it) and for the caller-ID reason codes, not that it was misread", async () => {
    for (const form of ["18409012345678", "184-090-1234-5678", "P", "O", "C", "S", "sip:unknown@10.0.0.1", "tel:anonymous"]) {
      const res = await lookup(form);
      expect(res.status, form).toBe(422);
      expect(res.body.speech, form).toBe(withheldLine);
    }
    // A number that cannot be read is still said to be unreadable.
    expect((await lookup("090-1234")).body.speech).toBe("お電話ありがとうございます。お電話番号を確認できませんでした。");
  });

  it("greets the caller by the reading of their name when the shop synced it, in the speech a TTS reads", async () => {
    const res = await lookup("09012345678");
    expect(res.status).toBe(200);
    expect(res.body.speech).toMatch(/^ショウジ ハジメ様、次回の/);
    expect(res.body.customer.name).toBe("東海林 一");
  });
});
