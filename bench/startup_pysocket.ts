// Start-up benchmark: load pysocket and create the first socket, then exit.
import * as socket from "../mod.ts";
socket.socket().close();
