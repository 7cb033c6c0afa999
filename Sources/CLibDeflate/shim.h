#ifndef CLIBDEFLATE_SHIM_H
#define CLIBDEFLATE_SHIM_H

// libdeflate: whole-buffer DEFLATE (zlib format) and CRC-32, for the PNG encoder in
// CairoRendering. Debian's libdeflate-dev provides the header and pkg-config file.
#include <libdeflate.h>

#endif
