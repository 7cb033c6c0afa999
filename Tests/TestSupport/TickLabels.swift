import Foundation

/// The number a tick label shows: plain (`−0.25`) or with a power of ten (`1.5 × 10⁻¹⁵⁰`).
public func tickLabelValue(_ label: String) -> Double? {
  let plain = label.replacingOccurrences(of: "\u{2212}", with: "-")
  guard let times = plain.range(of: " × 10") else { return Double(plain) }
  let superscripts: [Character: Character] = [
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-",
  ]
  let exponent = String(plain[times.upperBound...].compactMap { superscripts[$0] })
  return Double(String(plain[..<times.lowerBound]) + "e" + exponent)
}
