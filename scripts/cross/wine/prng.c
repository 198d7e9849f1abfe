/* bcryptprimitives.dll for Wine 8, which lacks it: Rust's standard library (1.78 and later) takes
 * its random bytes from ProcessPrng there. This fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036), the generator Windows itself backs ProcessPrng with. Built by
 * scripts/cross/build-windows.sh and placed beside guichet.exe for the Wine tests only; real
 * Windows has the DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
