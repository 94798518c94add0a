/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
// The client thread of CPython's ThreadableTest: imports the test module (its
// register() calls only record the classes here), makes the class's
// instance, waits for the server's "ready" with self's plain attributes,
// then runs clientSetUp, _testFoo and clientTearDown (clientRun), and posts
// what the client half threw.

(globalThis as { __cpythonClient?: boolean }).__cpythonClient = true;

type Start = {
  kind: "start";
  moduleUrl: string;
  className: string;
  method: string;
  sab: SharedArrayBuffer;
  mailbox: SharedArrayBuffer;
};
type Ready = { kind: "ready"; state: Record<string, unknown> };

function serialize(e: unknown): { name: string; message: string; stack?: string } {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: String(e) };
}

let start: Start | null = null;
let self_: import("./_threaded.ts").ThreadableTest | null = null;
let run: typeof import("./_threaded.ts").clientRun;

self.onmessage = async (e: MessageEvent<Start | Ready>) => {
  try {
    if (e.data.kind === "start") {
      start = e.data;
      const harness = await import("./_threaded.ts");
      await import(start.moduleUrl);
      const cls = harness.registry.get(start.className);
      if (!cls) throw new Error(`no class ${start.className} in ${start.moduleUrl}`);
      self_ = new cls();
      self_._attach({ sab: start.sab, mailbox: start.mailbox }, null);
      run = harness.clientRun;
      self.postMessage({ kind: "loaded" });
      return;
    }
    // The server is ready: self's attributes as the server's setUp left them.
    Object.assign(self_!, e.data.state);
    const error = await run(self_!, start!.method);
    self.postMessage({ kind: "result", error: error === null ? undefined : serialize(error) });
  } catch (err) {
    self_?.done.set();
    self.postMessage({ kind: e.data.kind === "start" ? "error" : "result", error: serialize(err) });
  }
};
