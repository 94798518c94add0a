/* ProcessPrng for Wine 8, whose bcryptprimitives.dll lacks it: Deno's Rust
   standard library asks for it at start-up. It forwards to BCryptGenRandom. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
  return BCryptGenRandom(NULL, data, (ULONG)size, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
