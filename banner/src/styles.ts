// Served inside the script and applied as a constructable stylesheet to a shadow root, so a
// strict CSP (no inline style) holds and the page's CSS cannot leak in.
export const css = `:host{all:initial}
*{box-sizing:border-box;font:15px/1.45 system-ui,sans-serif;color:#111}
.b{position:fixed;inset-block-end:16px;inset-inline:16px;margin:auto;max-width:560px;max-height:calc(100vh - 32px);overflow:auto;background:#fff;border:1px solid #555;border-radius:10px;padding:20px;box-shadow:0 6px 30px #0004;z-index:2147483647;text-align:start}
h2{font-size:18px;font-weight:700;margin:0 0 8px}
p{margin:0 0 12px}
.a{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}
button{cursor:pointer;border-radius:6px;padding:9px 16px;font-weight:600;border:2px solid #1f4e79;background:#1f4e79;color:#fff;flex:1 1 auto}
button.o{background:#fff;color:#1f4e79}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.c{border-top:1px solid #ccc;padding:10px 0}
.c label{font-weight:600;display:flex;gap:8px;align-items:center}
.c p,.c li,small{font-size:13px;color:#333;margin:4px 0}
input{width:18px;height:18px;accent-color:#1f4e79}
ul{margin:4px 0;padding-inline-start:26px;list-style:none}
summary{cursor:pointer;font-size:13px;color:#1f4e79}
a{color:#1f4e79}
.g{background:#e7f5ec;border:1px solid #1b6b3a;color:#0b4a25;padding:6px 10px;border-radius:6px;font-size:13px}
.f{position:fixed;inset-block-end:12px;inset-inline-start:12px;display:flex;gap:8px;align-items:center;z-index:2147483646}
.f button{flex:none;padding:6px 12px;font-size:13px}
[hidden]{display:none!important}`;
