using System.Text;
using ApiGuard.Inspection;
using ApiGuard.Inspection.Body;
using ApiGuard.Inspection.Exclusions;

namespace ApiGuard.Tests.Inspection.Middleware;

public class CleanValueMemoTests
{
    [Fact]
    public void Contains_AfterAdd_OnlyForSameBytesSourceAndType()
    {
        using var memo = new CleanValueMemo();
        memo.Add("customer"u8, ValueSource.JsonPropertyName, FieldType.FreeText);
        memo.Add("customer"u8, ValueSource.JsonPropertyName, FieldType.FreeText);

        Assert.True(memo.Contains("customer"u8, ValueSource.JsonPropertyName, FieldType.FreeText));
        Assert.False(memo.Contains("customer"u8, ValueSource.JsonValue, FieldType.FreeText));
        Assert.False(memo.Contains("customer"u8, ValueSource.JsonPropertyName, FieldType.Base64));
        Assert.False(memo.Contains("customeR"u8, ValueSource.JsonPropertyName, FieldType.FreeText));
        Assert.False(memo.Contains("custome"u8, ValueSource.JsonPropertyName, FieldType.FreeText));

        memo.Clear();
        Assert.False(memo.Contains("customer"u8, ValueSource.JsonPropertyName, FieldType.FreeText));
    }

    [Fact]
    public void Add_ValuesSeenOnce_DoNotEvictRepeatedOnes()
    {
        using var memo = new CleanValueMemo();
        memo.Add("status"u8, ValueSource.JsonPropertyName, FieldType.FreeText);
        Assert.False(memo.Contains("status"u8, ValueSource.JsonPropertyName, FieldType.FreeText));
        memo.Add("status"u8, ValueSource.JsonPropertyName, FieldType.FreeText);
        Assert.True(memo.Contains("status"u8, ValueSource.JsonPropertyName, FieldType.FreeText));

        // Thousands of one-off values (ids, addresses) pass through; the repeated key stays remembered.
        for (var i = 0; i < 5_000; i++)
        {
            var once = Encoding.UTF8.GetBytes($"user{i}@example.com");
            memo.Add(once, ValueSource.JsonValue, FieldType.FreeText);
            Assert.False(memo.Contains(once, ValueSource.JsonValue, FieldType.FreeText));
        }

        Assert.True(memo.Contains("status"u8, ValueSource.JsonPropertyName, FieldType.FreeText));
    }

    [Fact]
    public void Add_LongValueOrManyValues_BoundedAndNeverWrong()
    {
        using var memo = new CleanValueMemo();
        var longValue = Encoding.UTF8.GetBytes(new string('a', CleanValueMemo.MaxLength + 1));
        memo.Add(longValue, ValueSource.JsonValue, FieldType.FreeText);
        memo.Add(longValue, ValueSource.JsonValue, FieldType.FreeText);
        Assert.False(memo.Contains(longValue, ValueSource.JsonValue, FieldType.FreeText));

        // Far more values than slots: later ones evict earlier ones, and nothing never added is ever reported.
        for (var i = 0; i < 10_000; i++)
        {
            memo.Add(Encoding.UTF8.GetBytes("v" + i), ValueSource.JsonValue, FieldType.FreeText);
            memo.Add(Encoding.UTF8.GetBytes("v" + i), ValueSource.JsonValue, FieldType.FreeText);
        }

        Assert.True(memo.Contains("v9999"u8, ValueSource.JsonValue, FieldType.FreeText));
        for (var i = 10_000; i < 20_000; i++)
        {
            Assert.False(memo.Contains(Encoding.UTF8.GetBytes("v" + i), ValueSource.JsonValue, FieldType.FreeText));
        }
    }

    [Fact]
    public void Scan_RepeatedValues_SameVerdictsAsWithoutMemo()
    {
        // Keys repeat in every object; the attack value repeats too and must be found every time (findings are never memoised).
        var sb = new StringBuilder("{\"items\":[");
        for (var i = 0; i < 40; i++)
        {
            sb.Append(i > 0 ? "," : "").Append("{\"id\":").Append(i).Append(",\"status\":\"active\",\"q\":\"")
                .Append(i % 5 == 0 ? "1' OR '1'='1" : "blue shirt").Append("\"}");
        }

        var body = Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
        var inspector = new PayloadInspector();
        var memoised = new InspectionScan(inspector, InspectionExclusionPolicy.Empty, 1, 5, 64, ApiGuardMode.DetectOnly);
        using (var scanner = new JsonBodyScanner(64))
        {
            Assert.Equal(BodyScanStatus.Ok, scanner.Scan(body, isFinal: true, memoised));
        }

        // The reference: every value inspected on its own.
        var reference = new InspectionScan(inspector, InspectionExclusionPolicy.Empty, 1, 5, 64, ApiGuardMode.DetectOnly);
        var reader = new System.Text.Json.Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType is System.Text.Json.JsonTokenType.String or System.Text.Json.JsonTokenType.PropertyName)
            {
                reference.Inspect(reader.ValueSpan, reader.TokenType == System.Text.Json.JsonTokenType.String ? ValueSource.JsonValue : ValueSource.JsonPropertyName, InspectionField.ForPath(0));
            }
        }

        Assert.Equal(8, memoised.Findings.Select(f => f.Location).Distinct().Count());
        Assert.Equal(reference.Score, memoised.Score);
        Assert.Equal(reference.TotalFindings, memoised.TotalFindings);
        Assert.Equal(reference.BytesInspected, memoised.BytesInspected);
    }
}
