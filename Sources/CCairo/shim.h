#ifndef CCAIRO_SHIM_H
#define CCAIRO_SHIM_H

// The image and PDF back ends are separate headers in cairo; one shim brings in
// exactly the surfaces CairoRendering uses, so Swift sees one module. (SVG is written
// by Plotting's SVGCanvas, with real text, not by cairo's SVG surface.)
#include <cairo.h>
#include <cairo-pdf.h>

#endif
