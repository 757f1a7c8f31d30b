using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SharedStruct.Generator.Emit;
using SharedStruct.Generator.Model;
using SharedStruct.Generator.Parsing;

namespace SharedStruct.Generator;

/// <summary>
/// Emits a typed, lock-guarded <c>&lt;Struct&gt;Segment</c> class and static openers for every
/// <c>[SharedSegment]</c> partial struct. Reports no diagnostics: invalid input produces no code, and the
/// SharedStruct analyzers report an error that says why (both use the same rules, <c>SegmentRules</c>). Two structs
/// with one segment name both get code: SST0007 is reported across the compilation, and the code of each compiles.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SharedSegmentGenerator : IIncrementalGenerator
{
    /// <summary>The attribute's metadata name.</summary>
    public const string AttributeName = "SharedStruct.SharedSegmentAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<SegmentModel?> models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                static (node, _) => node is StructDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, cancellationToken) => ModelBuilder.Build(ctx, cancellationToken))
            .WithTrackingName(TrackingNames.Models);

        IncrementalValuesProvider<SegmentModel> valid = models
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.ValidModels);

        context.RegisterSourceOutput(valid, static (spc, model) => spc.AddSource(model.HintName, SegmentEmitter.Emit(model)));
    }
}
