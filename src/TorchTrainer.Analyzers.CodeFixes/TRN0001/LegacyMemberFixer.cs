using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TorchTrainer.Contract;

namespace TorchTrainer.Analyzers.CodeFixes
{
    /// <summary>
    /// Rewrites a use of <c>LossHistory</c> / <c>ValLossHistory</c> to the modern API: TRN0001 while the
    /// members exist (v4.x), and CS1061 once they are gone (v5.0) when the receiver is a <c>TrainingResults</c>.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LegacyMemberFixer))]
    [Shared]
    public sealed class LegacyMemberFixer : TextEditFixer
    {
        /// <summary>"'type' does not contain a definition for 'name'…": what v5.0 reports for legacy code.</summary>
        public const string MissingMemberId = "CS1061";

        /// <summary>"'type' does not contain a definition for 'name'": what v5.0 reports in a property pattern.</summary>
        public const string MissingPatternMemberId = "CS0117";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LegacyMember, MissingMemberId, MissingPatternMemberId);

        /// <inheritdoc />
        protected override string EquivalenceKeyFor(string diagnosticId) =>
            diagnosticId == MissingMemberId ? FixEquivalenceKeys.MissingLegacyMember
            : diagnosticId == MissingPatternMemberId ? FixEquivalenceKeys.MissingLegacyPatternMember
            : FixEquivalenceKeys.LegacyMember;

        /// <summary>The idiomatic rewrite (Perplexity, FinalValLoss, BestEpoch) where TRN0001's use is part of such a shape.</summary>
        protected override async Task RegisterSecondChoicesAsync(CodeFixContext context, Diagnostic diagnostic)
        {
            if (diagnostic.Id != DiagnosticIds.LegacyMember || !diagnostic.Location.IsInSource)
            {
                return;
            }

            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null || diagnostic.Location.SourceSpan.End > root.FullSpan.End
                || !(root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is SimpleNameSyntax name)
                || IdiomaticRewrite.TryCreate(name, model, context.CancellationToken) is not { } idiom)
            {
                return;
            }

            context.RegisterCodeFix(CreateAction(context, idiom.Title, new[] { idiom.Change }, FixEquivalenceKeys.LegacyMemberIdiomatic), diagnostic);
        }

        /// <inheritdoc />
        protected override async Task<FixData?> ComputeFixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null || !diagnostic.Location.IsInSource || diagnostic.Location.SourceSpan.End > root.FullSpan.End)
            {
                return null;
            }

            // TRN0001 carries only its decision (the replacement its message names): the edits are made here.
            if (diagnostic.Id == DiagnosticIds.LegacyMember)
            {
                return root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is SimpleNameSyntax used && LegacyMemberRewrite.IsLegacyName(used.Identifier.ValueText)
                    ? LegacyMemberRewrite.Create(used, model, cancellationToken)
                    : null;
            }

            // CS1061 covers the name, or ".Name" in a null-conditional access.
            var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
            if (token.IsKind(SyntaxKind.DotToken) && token.Parent is MemberBindingExpressionSyntax dotted)
            {
                token = dotted.Name.Identifier;
            }

            if (!token.IsKind(SyntaxKind.IdentifierToken)
                || !LegacyMemberRewrite.IsLegacyName(token.ValueText)
                || !(token.Parent is SimpleNameSyntax name))
            {
                return null;
            }

            ExpressionSyntax? receiver = name.Parent switch
            {
                MemberAccessExpressionSyntax access when access.Name == name => access.Expression,
                MemberBindingExpressionSyntax binding => FindConditionalReceiver(binding),
                _ => null,
            };
            if (receiver is not null && model.GetSymbolInfo(receiver, cancellationToken).Symbol is ITypeSymbol)
            {
                return null; // TrainingResults.LossHistory: a static access, nothing to migrate to
            }

            var receiverType = receiver is null ? PatternInputType(name, model, cancellationToken) : model.GetTypeInfo(receiver, cancellationToken).Type;
            if (!IsTrainingResults(receiverType))
            {
                return null;
            }

            // The LossHistory inside r.LossHistory[r.LossHistory.Count - 1] gets the same edit as the outer one.
            if (LegacyMemberRewrite.IsInsideLastElementRead(name, model, cancellationToken, out var outerName))
            {
                name = outerName;
            }

            return LegacyMemberRewrite.Create(name, model, cancellationToken);
        }

        // The receiver of .X in a?.X: the expression of the closest ?. whose WhenNotNull holds the binding.
        private static ExpressionSyntax? FindConditionalReceiver(MemberBindingExpressionSyntax binding)
        {
            SyntaxNode current = binding;
            while (current.Parent is not null)
            {
                if (current.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == current)
                {
                    return conditional.Expression;
                }

                if (current.Parent is ConditionalAccessExpressionSyntax)
                {
                    return null;
                }

                current = current.Parent;
                if (!(current is ExpressionSyntax))
                {
                    return null;
                }
            }

            return null;
        }

        // { LossHistory: P } or { LossHistory.Count: P }: the type the property pattern matches.
        private static ITypeSymbol? PatternInputType(SimpleNameSyntax name, SemanticModel model, CancellationToken cancellationToken)
        {
            SyntaxNode? node = name.Parent is NameColonSyntax nameColon
                ? nameColon
                : name.Parent is MemberAccessExpressionSyntax access && access.Expression == name ? LeftmostOf(access) : null;
            if (node?.Parent is SubpatternSyntax { Parent: PropertyPatternClauseSyntax { Parent: RecursivePatternSyntax pattern } }
                && model.GetOperation(pattern, cancellationToken) is Microsoft.CodeAnalysis.Operations.IRecursivePatternOperation operation)
            {
                return operation.MatchedType;
            }

            return null;
        }

        // The ExpressionColon of { A.B.C: P } when A is the leftmost name of the chain.
        private static SyntaxNode? LeftmostOf(MemberAccessExpressionSyntax access)
        {
            SyntaxNode current = access;
            while (current.Parent is MemberAccessExpressionSyntax outer && outer.Expression == current)
            {
                current = outer;
            }

            return current.Parent as ExpressionColonSyntax;
        }

        private static bool IsTrainingResults(ITypeSymbol? type)
        {
            if (type is INamedTypeSymbol { IsValueType: true, ConstructedFrom.SpecialType: SpecialType.System_Nullable_T })
            {
                return false;
            }

            return type is INamedTypeSymbol
            {
                Name: ContractTypes.TrainingResults,
                ContainingNamespace: { Name: ContractTypes.Namespace, ContainingNamespace.IsGlobalNamespace: true },
            };
        }
    }
}
