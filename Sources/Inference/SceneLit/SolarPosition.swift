import Foundation

/// Where the sun is: NOAA's solar position algorithm (the NOAA Solar Calculator spreadsheet,
/// after Meeus, "Astronomical Algorithms"), accurate to a fraction of a degree for 1901–2099.
public enum SolarPosition {
    /// Elevation above the horizon and azimuth clockwise from north, degrees (no refraction).
    public static func angles(
        latitude: Double, longitude: Double, year: Int, month: Int, day: Int, hour: Int, minute: Int, utcOffsetHours: Double
    ) -> (elevation: Double, azimuth: Double) {
        let rad = Double.pi / 180
        var y = year, m = month
        if m <= 2 { y -= 1; m += 12 }
        let a = y / 100
        let b = 2 - a + a / 4
        let localMinutes = Double(hour * 60 + minute)
        let dayFraction = (localMinutes / 60 - utcOffsetHours) / 24
        let julianDay = floor(365.25 * Double(y + 4716)) + floor(30.6001 * Double(m + 1)) + Double(day) + Double(b) - 1524.5 + dayFraction
        let jc = (julianDay - 2451545) / 36525

        let meanLong = (280.46646 + jc * (36000.76983 + jc * 0.0003032)).truncatingRemainder(dividingBy: 360)
        let meanAnom = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
        let eccent = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
        let center = sin(meanAnom * rad) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
            + sin(2 * meanAnom * rad) * (0.019993 - 0.000101 * jc) + sin(3 * meanAnom * rad) * 0.000289
        let trueLong = meanLong + center
        let omega = 125.04 - 1934.136 * jc
        let appLong = trueLong - 0.00569 - 0.00478 * sin(omega * rad)
        let meanObliq = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
        let obliq = meanObliq + 0.00256 * cos(omega * rad)
        let decl = asin(sin(obliq * rad) * sin(appLong * rad))
        let vy = pow(tan(obliq * rad / 2), 2)
        let eqTime = 4 / rad * (vy * sin(2 * meanLong * rad) - 2 * eccent * sin(meanAnom * rad)
            + 4 * eccent * vy * sin(meanAnom * rad) * cos(2 * meanLong * rad)
            - 0.5 * vy * vy * sin(4 * meanLong * rad) - 1.25 * eccent * eccent * sin(2 * meanAnom * rad))
        var trueSolar = (localMinutes + eqTime + 4 * longitude - 60 * utcOffsetHours).truncatingRemainder(dividingBy: 1440)
        if trueSolar < 0 { trueSolar += 1440 }
        var hourAngle = trueSolar / 4 - 180
        if hourAngle < -180 { hourAngle += 360 }
        let lat = latitude * rad
        let cosZenith = min(1, max(-1, sin(lat) * sin(decl) + cos(lat) * cos(decl) * cos(hourAngle * rad)))
        let zenith = acos(cosZenith)
        let denom = cos(lat) * sin(zenith)
        var azimuth: Double
        if abs(denom) < 1e-9 {
            azimuth = latitude >= 0 ? 180 : 0
        } else {
            let c = min(1, max(-1, (sin(lat) * cos(zenith) - sin(decl)) / denom))
            let base = acos(c) / rad
            azimuth = hourAngle > 0 ? (base + 180).truncatingRemainder(dividingBy: 360) : (540 - base).truncatingRemainder(dividingBy: 360)
        }
        return (90 - zenith / rad, azimuth)
    }
}
