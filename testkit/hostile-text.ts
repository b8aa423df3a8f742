/** Strings the shared text check (protocol/text.ts) must refuse, by what is wrong in them. */
export const HOSTILE = {
  nul: "ok\u0000ok",
  "lone high surrogate": "ok\ud800",
  "lone low surrogate": "\udc00ok",
  bell: "ok\u0007",
  "escape sequence": "\u001b[31mred",
  "C1 control": "ok\u0085",
  "right-to-left override": "abc\u202egpj.exe",
  noncharacter: "ok\uffff",
};
