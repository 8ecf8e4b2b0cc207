// Verifies recorded webhook deliveries with the npm package
// "standardwebhooks" (the Standard Webhooks reference library).
//
//   node verify_standardwebhooks.js FILE
//
// FILE holds one JSON object per line: {"secret", "headers", "body_b64",
// "expect"} with expect true (must verify) or false (must be refused).
// Prints one line per delivery and "verified N, refused M"; exits 1 on
// any surprise.
"use strict";

const fs = require("fs");
const { Webhook } = require("standardwebhooks");

const lines = fs.readFileSync(process.argv[2], "utf8").split("\n")
  .filter((l) => l.trim() !== "");
let verified = 0, refused = 0, surprises = 0;

for (const line of lines) {
  const d = JSON.parse(line);
  const body = Buffer.from(d.body_b64, "base64");
  let ok = false, why = "";
  try {
    const parsed = new Webhook(d.secret).verify(body, d.headers);
    ok = parsed !== undefined && typeof parsed.type === "string";
    if (!ok)
      why = "no payload";
  } catch (e) {
    why = e.message;
  }
  if (ok)
    verified++;
  else
    refused++;
  if (ok !== d.expect) {
    surprises++;
    console.log(`UNEXPECTED ${ok ? "verified" : "refused"}: ` +
      `${d.headers["webhook-id"]}: ${why}`);
  }
}
console.log(`verified ${verified}, refused ${refused}`);
process.exit(surprises === 0 ? 0 : 1);
