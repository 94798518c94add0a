/* IPPROTO_TCP options that the Windows SDK's shared/ws2ipdef.h defines
   (SDK 10.0.22621.0) and the mingw-w64 10 headers lack. CPython's Windows
   build sees them, so Python on Windows has TCP_MAXSEG, TCP_FASTOPEN,
   TCP_KEEPCNT, TCP_KEEPIDLE and TCP_KEEPINTVL. tools/gen_tables.py includes
   this after the mingw-w64 headers; a name they define wins. */
#ifndef TCP_KEEPALIVE
#define TCP_KEEPALIVE 3
#endif
#ifndef TCP_MAXSEG
#define TCP_MAXSEG 4
#endif
#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN 15
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#endif
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE TCP_KEEPALIVE
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#endif
