/// The generators compiled into `scenefarm`.
public enum BuiltInGenerators {
    public static var all: [any Generator] {
        [TestPatternGenerator(), DriftGenerator(), SceneLitGenerator()]
    }
}
