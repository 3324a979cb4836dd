using System.Text.Json.Serialization;

namespace AotBot;

/// <summary>
/// Every DTO that crosses a boundary (API answers, cached metadata), source-generated: no reflection-based JSON.
/// Page parsing reads <see cref="System.Text.Json.JsonElement"/> and needs no entry here.
/// </summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, AllowTrailingCommas = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class AotBotJsonContext : JsonSerializerContext;
