"""Realistic French identities for seeded workers: names, addresses, professions and
identifiers whose check digits are right (SPEC §8).

The check digits are computed with python-stdnum (the same library the API validates
with), so a seeded NIR, SIRET or IBAN is accepted wherever a real one would be.
Uniqueness is the caller's business: :class:`Identifiants` remembers what it issued.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from stdnum import iban, luhn
from stdnum.fr import nir

from domain.micro import ActiviteMicro
from domain.nomenclatures import StatutProfessionnel

PRENOMS_HOMMES = (
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Laurent",
    "Stéphane", "Sébastien", "Julien", "David", "Frédéric", "Olivier", "Thomas", "Mathieu",
    "Antoine", "Vincent", "Guillaume", "Romain", "Maxime", "Jérôme", "Karim", "Mehdi",
    "Yannick", "François", "Patrick", "Éric", "Bruno", "Hugo", "Lucas", "Alexandre",
    "Benoît", "Cédric", "Arnaud", "Florian", "Damien", "Samir", "Thierry", "Rachid",
)  # fmt: skip
PRENOMS_FEMMES = (
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Valérie", "Sandrine",
    "Christine", "Céline", "Sophie", "Stéphanie", "Aurélie", "Julie", "Émilie", "Caroline",
    "Camille", "Laura", "Pauline", "Manon", "Léa", "Chloé", "Sarah", "Inès", "Amandine",
    "Élodie", "Virginie", "Audrey", "Karine", "Laetitia", "Nadia", "Fatima", "Hélène",
    "Anne", "Claire", "Mélanie", "Lucie", "Charlotte", "Agathe", "Margaux", "Yasmina",
)  # fmt: skip
NOMS = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Roger",
    "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Marchand", "Dufour", "Blanchard",
    "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez",
    "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
    "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Lacroix", "Fabre", "Dupuis",
    "Olivier", "Rodriguez", "Da Silva", "Hubert", "Guillot", "Rivière", "Le Gall",
    "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Benoît", "Maillard",
    "Aubry", "Vasseur", "Le Roux", "Renault", "Jacquet", "Prévost", "Poirier", "Charpentier",
    "Huet", "Baron", "Dupuy", "Carré", "Breton", "Perrot", "Guyot", "Marty", "Cousin",
    "Haddad", "Benali", "Diallo", "Traoré", "Cohen", "Lévy", "Yilmaz", "Ferreira", "Pereira",
)  # fmt: skip

#: Communes of Île-de-France (the caisse's region): postal code, name.
COMMUNES = (
    ("75011", "Paris"), ("75012", "Paris"), ("75015", "Paris"), ("75018", "Paris"),
    ("75020", "Paris"), ("75010", "Paris"), ("75014", "Paris"), ("75017", "Paris"),
    ("92100", "Boulogne-Billancourt"), ("93100", "Montreuil"), ("93200", "Saint-Denis"),
    ("78000", "Versailles"), ("94000", "Créteil"), ("94300", "Vincennes"),
    ("92000", "Nanterre"), ("95100", "Argenteuil"), ("91000", "Évry-Courcouronnes"),
    ("77100", "Meaux"), ("77000", "Melun"), ("95000", "Cergy"), ("94200", "Ivry-sur-Seine"),
    ("92130", "Issy-les-Moulineaux"), ("94100", "Saint-Maur-des-Fossés"), ("91300", "Massy"),
    ("92500", "Rueil-Malmaison"), ("93300", "Aubervilliers"), ("92140", "Clamart"),
    ("78100", "Saint-Germain-en-Laye"), ("91120", "Palaiseau"), ("77300", "Fontainebleau"),
)  # fmt: skip
VOIES = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire",
    "rue du Faubourg Saint-Antoine", "rue Oberkampf", "avenue du Général Leclerc",
    "rue Gambetta", "rue des Martyrs", "rue Lecourbe", "rue de Charonne", "rue Pasteur",
    "place du Marché", "rue Jean Moulin", "allée des Tilleuls", "rue des Écoles",
    "chemin des Vignes", "quai de la Marne", "rue de Paris", "avenue de la Gare",
    "rue Carnot", "rue Émile Zola", "boulevard de Strasbourg", "rue du Commerce",
)  # fmt: skip
#: Birth places for the NIR: département, INSEE commune number (3 digits).
LIEUX_NAISSANCE = (
    ("75", "111"), ("75", "115"), ("75", "118"), ("69", "123"), ("13", "055"), ("59", "350"),
    ("33", "063"), ("31", "555"), ("44", "109"), ("67", "482"), ("35", "238"), ("06", "088"),
    ("92", "012"), ("93", "066"), ("94", "028"), ("78", "646"), ("76", "540"), ("21", "231"),
    ("37", "261"), ("63", "113"), ("45", "234"), ("29", "019"), ("57", "463"), ("95", "018"),
)  # fmt: skip


#: Labels of the APE (NAF rév. 2) codes used below, as INSEE words them.
LIBELLES_APE = {
    "43.22A": "Travaux d'installation d'eau et de gaz en tous locaux",
    "43.21A": "Travaux d'installation électrique dans tous locaux",
    "10.71C": "Boulangerie et boulangerie-pâtisserie",
    "96.02A": "Coiffure",
    "43.32A": "Travaux de menuiserie bois et PVC",
    "43.99C": "Travaux de maçonnerie générale et gros œuvre de bâtiment",
    "43.34Z": "Travaux de peinture et vitrerie",
    "45.20A": "Entretien et réparation de véhicules automobiles légers",
    "96.02B": "Soins de beauté",
    "43.32B": "Travaux de menuiserie métallique et serrurerie",
    "49.32Z": "Transports de voyageurs par taxis",
    "47.11B": "Commerce d'alimentation générale",
    "47.76Z": "Commerce de détail de fleurs, plantes, graines, engrais, animaux de compagnie "
    "et aliments pour ces animaux en magasin spécialisé",
    "47.61Z": "Commerce de détail de livres en magasin spécialisé",
    "56.10A": "Restauration traditionnelle",
    "56.30Z": "Débits de boissons",
    "47.71Z": "Commerce de détail d'habillement en magasin spécialisé",
    "68.31Z": "Agences immobilières",
    "47.25Z": "Commerce de détail de boissons en magasin spécialisé",
    "47.78A": "Commerces de détail d'optique",
    "47.21Z": "Commerce de détail de fruits et légumes en magasin spécialisé",
    "25.62B": "Mécanique industrielle",
    "18.12Z": "Autre imprimerie (labeur)",
    "31.09B": "Fabrication d'autres meubles et industries connexes de l'ameublement",
    "25.29Z": "Fabrication d'autres réservoirs, citernes et conteneurs métalliques",
    "95.11Z": "Réparation d'ordinateurs et d'équipements périphériques",
    "81.21Z": "Nettoyage courant des bâtiments",
    "47.91B": "Vente à distance sur catalogue spécialisé",
    "47.81Z": "Commerce de détail alimentaire sur éventaires et marchés",
}


@dataclass(frozen=True, slots=True)
class Metier:
    """A profession: what the worker does, the APE code of the activity, and a
    shop-sign pattern ("{nom}" / "{prenom}" are the worker's)."""

    profession: str
    code_ape: str
    enseigne: str

    @property
    def libelle_ape(self) -> str:
        return LIBELLES_APE[self.code_ape]


METIERS: dict[StatutProfessionnel, tuple[Metier, ...]] = {
    StatutProfessionnel.ARTISAN: (
        Metier("Plombier chauffagiste", "43.22A", "{nom} Plomberie"),
        Metier("Électricien", "43.21A", "{nom} Électricité"),
        Metier("Boulanger-pâtissier", "10.71C", "Boulangerie {nom}"),
        Metier("Coiffeur", "96.02A", "Salon {prenom}"),
        Metier("Menuisier", "43.32A", "Menuiserie {nom}"),
        Metier("Maçon", "43.99C", "{nom} Bâtiment"),
        Metier("Peintre en bâtiment", "43.34Z", "{nom} Peinture"),
        Metier("Carrossier", "45.20A", "Garage {nom}"),
        Metier("Esthéticienne", "96.02B", "Institut {prenom}"),
        Metier("Serrurier", "43.32B", "{nom} Serrurerie"),
        Metier("Chauffeur de taxi", "49.32Z", "Taxi {nom}"),
    ),
    StatutProfessionnel.COMMERCANT: (
        Metier("Épicier", "47.11B", "Épicerie {nom}"),
        Metier("Fleuriste", "47.76Z", "Les Fleurs de {prenom}"),
        Metier("Libraire", "47.61Z", "Librairie {nom}"),
        Metier("Restaurateur", "56.10A", "Chez {prenom}"),
        Metier("Cafetier", "56.30Z", "Café {nom}"),
        Metier("Commerçant en prêt-à-porter", "47.71Z", "Boutique {prenom}"),
        Metier("Agent immobilier", "68.31Z", "{nom} Immobilier"),
        Metier("Caviste", "47.25Z", "La Cave de {prenom}"),
        Metier("Opticien", "47.78A", "Optique {nom}"),
        Metier("Primeur", "47.21Z", "Primeur {nom}"),
    ),
    StatutProfessionnel.INDUSTRIEL: (
        Metier("Mécanicien industriel", "25.62B", "{nom} Mécanique"),
        Metier("Imprimeur", "18.12Z", "Imprimerie {nom}"),
        Metier("Fabricant de meubles", "31.09B", "Ateliers {nom}"),
        Metier("Chaudronnier", "25.29Z", "Chaudronnerie {nom}"),
    ),
}

#: Activities typical of micro-entrepreneurs, with their micro-social category.
METIERS_MICRO: tuple[tuple[StatutProfessionnel, Metier, ActiviteMicro], ...] = (
    (
        StatutProfessionnel.ARTISAN,
        Metier("Dépanneur informatique", "95.11Z", "{prenom} Dépannage Informatique"),
        ActiviteMicro.BIC_SERVICES,
    ),
    (
        StatutProfessionnel.ARTISAN,
        Metier("Agent d'entretien", "81.21Z", "{nom} Services"),
        ActiviteMicro.BIC_SERVICES,
    ),
    (
        StatutProfessionnel.ARTISAN,
        Metier("Coiffeur à domicile", "96.02A", "{prenom} Coiffure à domicile"),
        ActiviteMicro.BIC_SERVICES,
    ),
    (
        StatutProfessionnel.COMMERCANT,
        Metier("Vendeur en ligne", "47.91B", "Les Créations de {prenom}"),
        ActiviteMicro.BIC_VENTE,
    ),
    (
        StatutProfessionnel.COMMERCANT,
        Metier("Commerçant non sédentaire", "47.81Z", "{prenom} sur les marchés"),
        ActiviteMicro.BIC_VENTE,
    ),
)

#: French banks: code banque, BIC.
BANQUES = (
    ("30004", "BNPAFRPPXXX"), ("30003", "SOGEFRPPXXX"), ("30002", "CRLYFRPPXXX"),
    ("10278", "CMCIFR2AXXX"), ("20041", "PSSTFRPPPAR"), ("17515", "CEPAFRPPXXX"),
    ("18206", "AGRIFRPP882"), ("10107", "BREDFRPPXXX"),
)  # fmt: skip


def _cle_rib(banque: str, guichet: str, compte: str) -> str:
    """RIB key: 97 − (89 × bank + 15 × branch + 3 × account) mod 97 (digits only)."""
    return f"{97 - (89 * int(banque) + 15 * int(guichet) + 3 * int(compte)) % 97:02d}"


def iban_france(banque: str, guichet: str, compte: str) -> str:
    """A French IBAN from its RIB parts, with the RIB key and the ISO 13616 digits."""
    bban = f"{banque}{guichet}{compte}{_cle_rib(banque, guichet, compte)}"
    return f"FR{iban.calc_check_digits('FR00' + bban)}{bban}"


def siret_from(siren8: str, etablissement: int) -> str:
    """SIRET = SIREN (8 digits + Luhn) + NIC (4 digits + a digit making the 14 Luhn-valid)."""
    siren = siren8 + luhn.calc_check_digit(siren8)
    debut = f"{siren}{etablissement:04d}"
    return debut + luhn.calc_check_digit(debut)


def nir_from(sexe: int, naissance: date, departement: str, commune: str, ordre: int) -> str:
    """NIR: sex, year and month of birth, place of birth, order number, then the key."""
    corps = (
        f"{sexe}{naissance.year % 100:02d}{naissance.month:02d}{departement}{commune}{ordre:03d}"
    )
    return corps + nir.calc_check_digits(corps)


@dataclass(frozen=True, slots=True)
class Personne:
    civilite: str
    prenom: str
    nom: str
    date_naissance: date
    nir: str
    courriel: str
    telephone: str
    adresse: str
    code_postal: str
    ville: str


def _ascii(texte: str) -> str:
    """Lower-case ASCII for e-mail addresses (é → e, spaces → hyphens)."""
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return sans_accents.lower().replace(" ", "-").replace("'", "")


@dataclass(slots=True)
class Identifiants:
    """Issues identifiers that are valid and never issued twice (NIR, SIREN, RUM).

    ``taken`` may be primed with identifiers already in the database, so a synthetic
    portfolio can be loaded beside the demo one.
    """

    rng: random.Random
    taken: set[str] = field(default_factory=set)

    def reserve(self, identifiant: str) -> str:
        if identifiant in self.taken:
            raise ValueError(f"identifier issued twice: {identifiant}")
        self.taken.add(identifiant)
        return identifiant

    def personne(self, annee_min: int = 1958, annee_max: int = 2000) -> Personne:
        rng = self.rng
        sexe = rng.choice((1, 2))
        prenom = rng.choice(PRENOMS_HOMMES if sexe == 1 else PRENOMS_FEMMES)
        nom = rng.choice(NOMS)
        naissance = date(rng.randint(annee_min, annee_max), rng.randint(1, 12), rng.randint(1, 28))
        while True:
            departement, commune = rng.choice(LIEUX_NAISSANCE)
            numero = nir_from(sexe, naissance, departement, commune, rng.randint(1, 999))
            if numero not in self.taken:
                break
        self.reserve(numero)
        code_postal, ville = rng.choice(COMMUNES)
        suffixe = rng.randint(1, 99)
        return Personne(
            civilite="M." if sexe == 1 else "Mme",
            prenom=prenom,
            nom=nom,
            date_naissance=naissance,
            nir=numero,
            courriel=f"{_ascii(prenom)}.{_ascii(nom)}{suffixe}@independant-demo.fr",
            telephone=f"0{rng.choice('67')} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            adresse=self.adresse(),
            code_postal=code_postal,
            ville=ville,
        )

    def adresse(self) -> str:
        return f"{self.rng.randint(1, 180)} {self.rng.choice(VOIES)}"

    def siren(self) -> str:
        """A fresh 8-digit SIREN body (first digit 3–9, as INSEE issues them)."""
        while True:
            corps = f"{self.rng.randint(3, 9)}{self.rng.randint(0, 9_999_999):07d}"
            if corps not in self.taken:
                return self.reserve(corps)

    def iban(self) -> tuple[str, str]:
        """A valid French IBAN and the BIC of its bank."""
        banque, bic = self.rng.choice(BANQUES)
        guichet = f"{self.rng.randint(0, 99_999):05d}"
        compte = f"{self.rng.randint(0, 99_999_999_999):011d}"
        return iban_france(banque, guichet, compte), bic
