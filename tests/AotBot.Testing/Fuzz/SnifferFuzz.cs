using System.Text;
using AotBot.Imaging;

namespace AotBot.Testing.Fuzz;

public sealed record SnifferReport(int Inputs, IReadOnlyDictionary<ImageFormat, int> Formats, IReadOnlyList<string> Violations)
{
    public override string ToString() =>
        $"{Inputs} inputs, {Violations.Count} violations; " + string.Join(", ", Formats.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}"));
}

/// <summary>
/// The format sniffer in-process (managed code: an exception is caught, not a crash) over mutated seeds, every prefix
/// of each seed, random bytes and generated ftyp boxes. Properties: it never throws, it answers the same twice, and
/// its first <see cref="ImageSniffer.HeaderLength"/> bytes decide (callers sniff a temp file by that much, memory whole).
/// </summary>
public static class SnifferFuzz
{
    private static readonly string[] s_brands = ["heic", "heix", "mif1", "msf1", "avif", "avis", "isom", "mp41", "MiHE", "miaf", "MiHB", "jpeg", "crx ", "qt  "];

    public static SnifferReport Run(HeifMutator mutator, int iterations)
    {
        var formats = new Dictionary<ImageFormat, int>();
        var violations = new List<string>();
        var random = new Random(7);
        var inputs = 0;

        void Check(byte[] input, string what)
        {
            inputs++;
            try
            {
                var format = ImageSniffer.Detect(input);
                formats[format] = formats.GetValueOrDefault(format) + 1;
                if (ImageSniffer.Detect(input) != format)
                    violations.Add($"{what}: two answers");
                var head = ImageSniffer.Detect(input.AsSpan(0, Math.Min(input.Length, ImageSniffer.HeaderLength)));
                if (head != format && violations.Count < 20)
                    violations.Add($"{what}: {format} from all {input.Length} bytes, {head} from the first {ImageSniffer.HeaderLength} ({Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 96)))})");
            }
            catch (Exception ex)
            {
                if (violations.Count < 20) violations.Add($"{what}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        foreach (var (name, seed) in mutator.Seeds)
        {
            for (var length = 0; length <= Math.Min(seed.Length, 2 * ImageSniffer.HeaderLength); length++)
                Check(seed[..length], $"{name}[..{length}]");
        }
        for (var i = 0; i < iterations; i++)
        {
            var input = mutator.Next(i);
            Check(input.Bytes, input.Describe());
            switch (i % 3)
            {
                case 0:
                    var noise = new byte[random.Next(0, 2 * ImageSniffer.HeaderLength)];
                    random.NextBytes(noise);
                    Check(noise, $"{noise.Length} random bytes");
                    break;
                case 1:
                    Check(Ftyp(random), "generated ftyp");
                    break;
            }
        }
        return new SnifferReport(inputs, formats, violations);
    }

    /// <summary>An ftyp box with a random major brand, minor version and up to 24 compatible brands, sometimes lying about its size.</summary>
    private static byte[] Ftyp(Random random)
    {
        var brands = Enumerable.Range(0, random.Next(0, 25)).Select(_ => s_brands[random.Next(s_brands.Length)]).ToList();
        var body = new List<byte>();
        body.AddRange(Encoding.ASCII.GetBytes(s_brands[random.Next(s_brands.Length)]));
        body.AddRange([0, 0, 0, (byte)random.Next(4)]);
        foreach (var brand in brands) body.AddRange(Encoding.ASCII.GetBytes(brand));
        var size = (uint)(body.Count + 8);
        if (random.Next(5) == 0) size = (uint)random.Next(0, 200);
        return [(byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size, .. "ftyp"u8, .. body, .. "meta"u8];
    }
}
