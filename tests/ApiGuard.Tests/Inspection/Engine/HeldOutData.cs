using System.Text.Json;

namespace ApiGuard.Tests.Inspection.Engine;

/// <summary>Reads the held-out JSON Lines files of <c>Data/</c> (see <c>Data/README.md</c>).</summary>
internal static class HeldOutData
{
    /// <summary>The records of <paramref name="file"/> in file order, each checked to carry <paramref name="label"/>.</summary>
    public static IReadOnlyList<(string Id, string Category, string Payload)> Load(string file, string label)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Inspection", "Engine", "Data", file);
        var list = new List<(string, string, string)>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Assert.Equal(label, root.GetProperty("label").GetString());
            // Set 4 names its benign classes in "class" (its "category" is "none", as the corpus writes it for benign values).
            var category = root.TryGetProperty("class", out var cls) ? cls.GetString()! : root.GetProperty("category").GetString()!;
            list.Add((root.GetProperty("id").GetString()!, category, root.GetProperty("payload").GetString()!));
        }

        return list;
    }
}
