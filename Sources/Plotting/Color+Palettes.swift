extension Color {
  /// The Okabe–Ito palette (Okabe and Ito, "Color Universal Design", 2008; Wong, Nature
  /// Methods 8, 441, 2011): eight colours that stay distinct for readers with any common
  /// form of colour blindness. Black comes last so it is used least.
  ///
  /// For categories in new figures; ``palette`` (tab10) stays what existing figures use.
  public static let okabeIto: [Color] = [
    0xE69F00,  // orange
    0x56B4E9,  // sky blue
    0x009E73,  // bluish green
    0xF0E442,  // yellow
    0x0072B2,  // blue
    0xD55E00,  // vermillion
    0xCC79A7,  // reddish purple
    0x000000,  // black
  ].map { Color(hex: $0) }

  /// The `index`-th colour of ``okabeIto``, cycling (backwards for a negative index).
  public static func categorical(_ index: Int) -> Color {
    okabeIto[(index % okabeIto.count + okabeIto.count) % okabeIto.count]
  }
}
