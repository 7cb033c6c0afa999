#ifndef CCAIRO_SHIM_H
#define CCAIRO_SHIM_H

// The image, PDF and SVG back ends are separate headers in cairo; one shim
// brings in exactly the surfaces CairoRendering uses, so Swift sees one module.
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#endif
