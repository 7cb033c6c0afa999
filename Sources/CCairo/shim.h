#ifndef CCAIRO_SHIM_H
#define CCAIRO_SHIM_H

// cairo's image back end and its FreeType font back end in one module: PNGs are cairo's
// pixels; PDFs are written by CairoRendering's PDFCanvas, which embeds the fonts cairo
// draws with (their tables read through FreeType). SVG is written by Plotting's SVGCanvas.
#include <cairo.h>
#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H

#endif
